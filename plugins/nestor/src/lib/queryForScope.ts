import {
  DeploymentQuery,
  parseDeploymentRef,
} from '@nestor/plugin-nestor-common';
import type { EntityDeploymentScope } from '../hooks/useEntityDeploymentScope';

/**
 * The narrowest `GET /deployments` query that holds every deployment of a
 * scope (refs of one team and environment ask for just those), or undefined
 * when the scope holds no deployment at all.
 * @public
 */
export function queryForScope(
  scope: EntityDeploymentScope | undefined,
): DeploymentQuery | undefined {
  if (!scope) return undefined;
  if (scope.kind === 'team') return { team: scope.team };
  if (scope.kind === 'resource') return { resource: scope.resource };
  if (scope.refs.length === 0) return undefined;
  const parts = scope.refs.map(parseDeploymentRef);
  const teams = new Set(parts.map(p => p.team));
  const environments = new Set(parts.map(p => p.environment));
  if (teams.size > 1) return {};
  const query: DeploymentQuery = { team: parts[0].team };
  if (environments.size === 1) query.environment = parts[0].environment;
  return query;
}
