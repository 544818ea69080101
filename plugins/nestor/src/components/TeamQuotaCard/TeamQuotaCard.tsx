import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { nestorApiRef } from '../../api/NestorApi';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';
import { UsageBar } from './UsageBar';

const money = (n: number) =>
  n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/**
 * A team's quotas on its Group page (`GET /teams/{id}/quotas`): per
 * environment, deployments and monthly cost against their limits, and the
 * per-type limits, as usage bars.
 * @public
 */
export function TeamQuotaCard() {
  const { entity } = useEntity();
  const team = entity.metadata.name;
  const api = useApi(nestorApiRef);
  const quotas = useAsync(() => api.getTeamQuotas(team), [api, team]);

  let body: JSX.Element;
  if (quotas.loading) body = <Progress />;
  else if (quotas.error) {
    body = (
      <NestorErrorPanel
        error={quotas.error}
        permission="nestor.deployment.read"
        what={`the quotas of ${team}`}
      />
    );
  } else if (!quotas.value || quotas.value.items.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {team} has no environments with quotas in Nestor.
      </Typography>
    );
  } else {
    body = (
      <Grid container spacing={2}>
        {quotas.value.items.map(q => (
          <Grid
            item
            xs={12}
            md={6}
            key={q.environment}
            component="section"
            aria-label={`Quota in ${q.environment}`}
          >
            <Typography variant="subtitle2" gutterBottom>
              {q.environment}
            </Typography>
            <UsageBar
              label="Deployments"
              used={q.usage.deployments}
              limit={q.limits.maxDeployments}
            />
            <UsageBar
              label="Monthly cost"
              used={q.usage.monthlyCost}
              limit={q.limits.maxMonthlyCost}
              format={money}
            />
            {Object.entries(q.limits.perType ?? {}).map(([type, limits]) => {
              const used = q.usage.perType[type] ?? {
                deployments: 0,
                monthlyCost: 0,
              };
              return (
                <div key={type}>
                  {limits.maxDeployments !== undefined && (
                    <UsageBar
                      label={`${type} deployments`}
                      used={used.deployments}
                      limit={limits.maxDeployments}
                    />
                  )}
                  {limits.maxMonthlyCost !== undefined && (
                    <UsageBar
                      label={`${type} monthly cost`}
                      used={used.monthlyCost}
                      limit={limits.maxMonthlyCost}
                      format={money}
                    />
                  )}
                </div>
              );
            })}
          </Grid>
        ))}
      </Grid>
    );
  }
  return <InfoCard title="Nestor quotas">{body}</InfoCard>;
}
