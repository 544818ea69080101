import {
  Content,
  ContentHeader,
  InfoCard,
  Link,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useLiveDeployment } from '../../hooks/useLiveDeployment';
import { useTeams } from '../../hooks/useTeams';
import { buffetItemRouteRef } from '../../routes';
import { LiveIndicator } from '../LiveIndicator/LiveIndicator';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';
import { PhaseStatus } from '../PhaseStatus/PhaseStatus';
import { ArtifactsList } from './ArtifactsList';
import { ConditionsTable } from './ConditionsTable';
import { DeploymentActions } from './DeploymentActions';
import { PhaseTimeline } from './PhaseTimeline';
import { RevisionsTable } from './RevisionsTable';

/**
 * One deployment, live: its phase timeline, conditions, revisions, the
 * artifacts rendered for the current revision with their Git commit, its
 * outputs and dependencies, and the cancel / tear down / roll back buttons
 * the signed-in user's permissions allow.
 * @public
 */
export function DeploymentPage(props: { id: string }) {
  const { deployment, error, stream, setDeployment } = useLiveDeployment(
    props.id,
  );
  const teams = useTeams();
  const alertApi = useApi(alertApiRef);
  const itemLink = useRouteRef(buffetItemRouteRef);

  if (error) {
    return (
      <Content>
        <NestorErrorPanel
          error={error}
          permission="nestor.deployment.read"
          what={`deployment "${props.id}"`}
        />
      </Content>
    );
  }
  if (!deployment) return <Progress />;

  const current = deployment.revisions.find(
    r => r.revision === deployment.currentRevision,
  );
  const about = {
    item: itemLink ? (
      <Link to={itemLink({ name: deployment.resource.name })}>
        {deployment.resource.name}@{deployment.resource.version}
      </Link>
    ) : (
      `${deployment.resource.name}@${deployment.resource.version}`
    ),
    requested: deployment.resource.requestedVersion,
    team: deployment.team,
    environment: deployment.environment,
    engine: deployment.engine,
    delivery: deployment.delivery,
    monthlyCost: deployment.monthlyCost,
    requestedBy: deployment.requestedBy,
    attempts: deployment.attempts,
    created: new Date(deployment.createdAt).toLocaleString(),
    updated: new Date(deployment.updatedAt).toLocaleString(),
  };
  return (
    <Content>
      <ContentHeader title={deployment.ref} description={`id ${deployment.id}`}>
        <Box display="flex" alignItems="center" style={{ gap: 12 }}>
          <PhaseStatus phase={deployment.phase} />
          <LiveIndicator live={stream.live} error={stream.error} />
          <DeploymentActions
            deployment={deployment}
            permissions={teams.permissionsOf(
              deployment.team,
              deployment.environment,
            )}
            onDone={updated => {
              setDeployment(updated);
              alertApi.post({
                message: `${updated.ref} is ${updated.phase}`,
                severity: 'success',
                display: 'transient',
              });
            }}
          />
        </Box>
      </ContentHeader>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <InfoCard title="Phases">
            <PhaseTimeline history={deployment.history} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={8}>
          <InfoCard title="About">
            <StructuredMetadataTable metadata={about} dense />
          </InfoCard>
          <Box mt={3}>
            <InfoCard title="Conditions">
              <ConditionsTable conditions={deployment.conditions} />
            </InfoCard>
          </Box>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Outputs">
            {Object.keys(deployment.outputs).length > 0 ? (
              <StructuredMetadataTable
                metadata={deployment.outputs}
                options={{ titleFormat: key => key }}
                dense
              />
            ) : (
              <Typography variant="body2" color="textSecondary">
                No outputs yet: the engine reports them once the deployment is
                Ready.
              </Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Depends on">
            {deployment.dependsOn.length > 0 ? (
              <ul aria-label="Dependencies" style={{ margin: 0 }}>
                {deployment.dependsOn.map(ref => (
                  <li key={ref}>
                    <code>{ref}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <Typography variant="body2" color="textSecondary">
                Nothing.
              </Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Rendered artifacts">
            <ArtifactsList revision={current} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Revisions">
            <RevisionsTable
              revisions={deployment.revisions}
              current={deployment.currentRevision}
            />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
