import { Content, EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import {
  DEPLOYMENT_PHASES,
  DeploymentQuery,
} from '@nestor/plugin-nestor-common';
import { useLiveDeployments } from '../../hooks/useLiveDeployments';
import { useTeams } from '../../hooks/useTeams';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { DeploymentsTable } from '../DeploymentsTable/DeploymentsTable';
import { FilterSelect } from '../FilterSelect/FilterSelect';
import { LiveIndicator } from '../LiveIndicator/LiveIndicator';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';

const FILTER_KEYS = ['team', 'environment', 'phase', 'resource'] as const;

/**
 * Every deployment the signed-in user may see, filtered by team, environment
 * and phase (and item, from a buffet item's link), kept live by Nestor's
 * event stream: phases change in place, new orders appear, nothing reloads.
 * @public
 */
export function DeploymentsPage() {
  const { filters, setFilter, clear } = useUrlFilters(FILTER_KEYS);
  const query = filters as DeploymentQuery;
  const teams = useTeams();
  const deployments = useLiveDeployments(query);

  const readableTeams = teams.teams
    .filter(t => t.permissions.read)
    .map(t => t.id);
  const environments = [
    ...new Set(
      teams.teams
        .filter(t => !query.team || t.id === query.team)
        .flatMap(t => Object.keys(t.permissions.environments)),
    ),
  ].sort();
  const hasFilters = Object.keys(query).length > 0;

  return (
    <Content>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        {(
          [
            ['Team', 'team', readableTeams],
            ['Environment', 'environment', environments],
            ['Phase', 'phase', DEPLOYMENT_PHASES],
          ] as const
        ).map(([label, key, options]) => (
          <Grid item xs={12} sm={3} key={key}>
            <FilterSelect
              label={label}
              value={filters[key]}
              options={options}
              onChange={v => setFilter(key, v)}
            />
          </Grid>
        ))}
        <Grid item xs={12} sm={3}>
          <Box
            display="flex"
            style={{ gap: 8 }}
            alignItems="center"
            flexWrap="wrap"
          >
            <LiveIndicator
              live={deployments.live}
              error={deployments.streamError}
            />
            {query.resource && (
              <Chip
                size="small"
                label={`item: ${query.resource}`}
                onDelete={() => setFilter('resource', undefined)}
              />
            )}
          </Box>
        </Grid>
      </Grid>
      {deployments.error ? (
        <NestorErrorPanel
          error={deployments.error}
          permission="nestor.deployment.read"
          what={
            query.team ? `the deployments of ${query.team}` : 'the deployments'
          }
        />
      ) : (
        <DeploymentsTable
          title="Deployments"
          deployments={deployments.items}
          loading={deployments.loading}
          emptyContent={
            <EmptyState
              missing="data"
              title={
                hasFilters
                  ? 'No deployment matches these filters'
                  : 'No deployments yet'
              }
              description={
                hasFilters
                  ? 'New orders that match appear here as they are made.'
                  : 'Order an item from the buffet; it appears here and follows its phases live.'
              }
              action={
                hasFilters ? (
                  <Button variant="outlined" onClick={clear}>
                    Clear filters
                  </Button>
                ) : undefined
              }
            />
          }
        />
      )}
      {deployments.hasMore && (
        <Box mt={2} textAlign="center">
          <Button variant="outlined" onClick={deployments.loadMore}>
            Load more
          </Button>
        </Box>
      )}
    </Content>
  );
}
