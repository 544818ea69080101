import { Deployment } from '@nestor/plugin-nestor-common';

/**
 * The stack of a deployment, one per team, environment and deployment:
 * `<team>-<environment>-<name>`, under the organization when one is
 * configured.
 * @public
 */
export function pulumiStackName(deployment: Pick<Deployment, 'team' | 'environment' | 'name'>, organization?: string): string {
  const stack = `${deployment.team}-${deployment.environment}-${deployment.name}`;
  return organization ? `${organization}/${stack}` : stack;
}
