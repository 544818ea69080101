import type { Deployment, DeploymentQuery } from '@nestor/plugin-nestor-common';

function matches(query: DeploymentQuery, deployment: Deployment): boolean {
  return (
    (!query.team || deployment.team === query.team) &&
    (!query.environment || deployment.environment === query.environment) &&
    (!query.phase || deployment.phase === query.phase) &&
    (!query.resource || deployment.resource?.name === query.resource)
  );
}

/**
 * A list of deployments after a live update: the newer copy replaces the
 * old one (an older copy, delivered late, changes nothing), a deployment
 * that no longer matches the list's filters leaves it, and a new one that
 * matches comes first. The input list is not modified.
 * @public
 */
export function applyDeploymentUpdate(
  items: readonly Deployment[],
  update: Deployment,
  query: DeploymentQuery = {},
): Deployment[] {
  const index = items.findIndex(d => d.id === update.id);
  if (index === -1) {
    return matches(query, update) ? [update, ...items] : [...items];
  }
  if ((items[index].version ?? 0) > (update.version ?? 0)) return [...items];
  const next = [...items];
  if (matches(query, update)) next[index] = update;
  else next.splice(index, 1);
  return next;
}
