/**
 * The parts of a deployment ref `<team>/<environment>/<name>`.
 * @public
 */
export interface DeploymentRefParts {
  team: string;
  environment: string;
  name: string;
}

/**
 * Formats a deployment ref.
 * @public
 */
export function formatDeploymentRef(parts: DeploymentRefParts): string {
  return `${parts.team}/${parts.environment}/${parts.name}`;
}

/**
 * Parses a deployment ref; throws a TypeError on anything else.
 * @public
 */
export function parseDeploymentRef(ref: string): DeploymentRefParts {
  const parts = ref.split('/');
  if (parts.length !== 3 || parts.some(p => p.length === 0)) {
    throw new TypeError(
      `Invalid deployment ref "${ref}", expected "<team>/<environment>/<name>"`,
    );
  }
  const [team, environment, name] = parts;
  return { team, environment, name };
}
