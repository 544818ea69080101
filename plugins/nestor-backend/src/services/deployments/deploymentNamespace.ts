import { createHash } from 'node:crypto';

/**
 * The Kubernetes namespace of a team's deployments in an environment:
 * `<team>-<environment>`, shortened with a hash suffix when it would exceed
 * the 63 characters of a DNS label.
 * @public
 */
export function deploymentNamespace(team: string, environment: string): string {
  const name = `${team}-${environment}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}
