import {
  Content,
  ContentHeader,
  InfoCard,
  Link,
  Progress,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { CatalogItem } from '@nestor/plugin-nestor-common';
import useAsync from 'react-use/esm/useAsync';
import { nestorApiRef } from '../../api/NestorApi';
import { useTeams } from '../../hooks/useTeams';
import { formatMonthlyCost } from '../../lib/formatMonthlyCost';
import { gitFileLink } from '../../lib/gitFileLink';
import { deploymentsRouteRef } from '../../routes';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';
import { OrderButton } from '../OrderButton/OrderButton';
import { ParameterSchemaTable } from './ParameterSchemaTable';
import { VersionHistoryTable } from './VersionHistoryTable';
import { WhoMayOrder } from './WhoMayOrder';

function About(props: { item: CatalogItem }) {
  const { item } = props;
  const { metadata, spec } = item.definition;
  const source = gitFileLink(item.source);
  const rows: Array<[string, React.ReactNode]> = [
    ['Type', spec.type],
    ['Version', spec.version],
    ['Engine', spec.engine],
    ['Owner', metadata.owner],
    ['Monthly cost', formatMonthlyCost(spec.cost)],
    ['Environments', spec.environments.join(', ')],
    ['Outputs', spec.outputs.join(', ') || '—'],
    [
      'Requires',
      spec.requires.map(r => `${r.type} ${r.version}`).join(', ') || 'nothing',
    ],
    ['Tags', metadata.tags.join(', ') || '—'],
    [
      'Source',
      <>
        {source ? (
          <Link to={source}>{item.source.path}</Link>
        ) : (
          item.source.path
        )}{' '}
        @{' '}
        <code title={item.source.commit}>{item.source.commit.slice(0, 8)}</code>
      </>,
    ],
  ];
  return (
    <dl style={{ margin: 0 }}>
      {rows.map(([label, value]) => (
        <div key={label} style={{ display: 'flex', gap: 8, padding: '2px 0' }}>
          <Typography
            component="dt"
            variant="subtitle2"
            style={{ minWidth: 120 }}
          >
            {label}
          </Typography>
          <Typography component="dd" variant="body2" style={{ margin: 0 }}>
            {value}
          </Typography>
        </div>
      ))}
    </dl>
  );
}

/**
 * One buffet item: what it is and costs, its parameters as a readable
 * table, its version history, who may order it, and the Order button that
 * opens its generated Template.
 * @public
 */
export function BuffetItemPage(props: {
  name: string;
  templateNamespace?: string;
}) {
  const { name } = props;
  const api = useApi(nestorApiRef);
  const deploymentsLink = useRouteRef(deploymentsRouteRef);
  const item = useAsync(() => api.getCatalogItem(name), [api, name]);
  const versions = useAsync(
    () => api.getCatalogItemVersions(name),
    [api, name],
  );
  const teams = useTeams();

  if (item.loading) return <Progress />;
  if (item.error || !item.value) {
    return (
      <Content>
        <NestorErrorPanel
          error={item.error ?? new Error(`No item ${name}`)}
          permission="nestor.catalog.read"
          what={`buffet item "${name}"`}
        />
      </Content>
    );
  }
  const { metadata, spec } = item.value.definition;
  return (
    <Content>
      <ContentHeader
        title={metadata.title ?? item.value.name}
        description={metadata.description}
      >
        <OrderButton
          name={item.value.name}
          templateNamespace={props.templateNamespace}
        />
      </ContentHeader>
      <div
        style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginBottom: 16 }}
      >
        <Chip size="small" color="primary" label={`engine: ${spec.engine}`} />
        <Chip size="small" label={`v${spec.version}`} />
        <Chip size="small" label={formatMonthlyCost(spec.cost)} />
        {deploymentsLink && (
          <Link
            to={`${deploymentsLink()}?resource=${encodeURIComponent(
              item.value.name,
            )}`}
            style={{ marginLeft: 8, alignSelf: 'center' }}
          >
            Its deployments
          </Link>
        )}
      </div>
      <Grid container spacing={3}>
        <Grid item xs={12} md={7}>
          <InfoCard title="About">
            <About item={item.value} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={5}>
          <InfoCard title="Who may order it">
            {teams.loading ? (
              <Progress />
            ) : (
              <WhoMayOrder
                item={item.value}
                teams={teams.teams}
                teamsError={teams.error}
              />
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Parameters">
            <ParameterSchemaTable schema={spec.parameters} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Version history">
            {versions.loading && <Progress />}
            {versions.error && (
              <NestorErrorPanel
                error={versions.error}
                permission="nestor.catalog.read"
                what={`the history of "${name}"`}
              />
            )}
            {versions.value && (
              <VersionHistoryTable versions={versions.value.items} />
            )}
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
