import { Deployment } from '@nestor/plugin-nestor-common';

/**
 * The labels Nestor puts on every object it renders for a deployment, so
 * objects can be traced back to their deployment (and selected by team).
 * @public
 */
export function deploymentLabels(deployment: Pick<Deployment, 'id' | 'team' | 'environment' | 'name' | 'resource'>): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'nestor',
    'nestor.io/team': deployment.team,
    'nestor.io/environment': deployment.environment,
    'nestor.io/deployment': deployment.name,
    'nestor.io/resource': deployment.resource.name,
  };
}
