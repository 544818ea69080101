import { Content, EmptyState, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useEntityDeploymentScope } from '../../hooks/useEntityDeploymentScope';
import { useLiveDeployments } from '../../hooks/useLiveDeployments';
import { NESTOR_ANNOTATIONS } from '@nestor/plugin-nestor-common';
import { queryForScope } from '../../lib/queryForScope';
import { DependencyGraphCard } from '../DependencyGraphCard/DependencyGraphCard';
import { DeploymentsTable } from '../DeploymentsTable/DeploymentsTable';
import { ImpactCard } from '../ImpactCard/ImpactCard';
import { LiveIndicator } from '../LiveIndicator/LiveIndicator';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';

/**
 * The "Nestor" tab of Component, Resource, System and Group pages: the
 * deployments tied to the entity (live), the dependency graph around them
 * with cross-team edges marked, and who breaks if they change.
 * @public
 */
export function EntityNestorContent() {
  const { entity } = useEntity();
  const { scope, loading, error } = useEntityDeploymentScope(entity);
  const refs = scope?.kind === 'refs' ? new Set(scope.refs) : undefined;
  const deployments = useLiveDeployments(queryForScope(scope), {
    filter: refs ? d => refs.has(d.ref) : undefined,
  });

  if (loading) return <Progress />;
  if (error) {
    return (
      <Content>
        <NestorErrorPanel
          error={error}
          what="the catalog entities this one is tied to"
        />
      </Content>
    );
  }
  if (scope?.kind === 'refs' && scope.refs.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="No Nestor deployment is tied to this entity"
        description={`Add the deployments' Resource entities to spec.dependsOn (or spec for a System: make them part of it), or list their refs in the annotation ${NESTOR_ANNOTATIONS.deployments}.`}
      />
    );
  }
  const team = scope?.kind === 'team' ? scope.team : undefined;
  const deploymentRefs =
    scope?.kind === 'refs' ? scope.refs : deployments.items.map(d => d.ref);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {deployments.error ? (
          <NestorErrorPanel
            error={deployments.error}
            permission="nestor.deployment.read"
            what={team ? `the deployments of ${team}` : 'the deployments'}
          />
        ) : (
          <DeploymentsTable
            title={
              <Box display="flex" alignItems="center" style={{ gap: 12 }}>
                <Typography variant="h5" component="span">
                  Deployments
                </Typography>
                <LiveIndicator
                  live={deployments.live}
                  error={deployments.streamError}
                />
              </Box>
            }
            deployments={deployments.items}
            loading={deployments.loading}
            hideTeam={Boolean(team)}
            emptyContent={
              <Box p={2}>
                <Typography variant="body2" color="textSecondary">
                  No deployments yet; new ones appear here as they are ordered.
                </Typography>
              </Box>
            }
          />
        )}
      </Grid>
      <Grid item xs={12} lg={7}>
        <DependencyGraphCard
          team={team}
          roots={team ? undefined : deploymentRefs}
          highlight={deploymentRefs}
        />
      </Grid>
      <Grid item xs={12} lg={5}>
        {deployments.loading && !refs ? (
          <Progress />
        ) : (
          <ImpactCard
            refs={deploymentRefs}
            team={team ?? entityTeam(deploymentRefs)}
          />
        )}
      </Grid>
    </Grid>
  );
}

/** the one team of some deployment refs, if they share one */
function entityTeam(refs: string[]): string | undefined {
  const teams = new Set(refs.map(r => r.split('/')[0]));
  return teams.size === 1 ? [...teams][0] : undefined;
}
