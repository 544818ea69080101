import { createHash } from 'node:crypto';
import { parseDeploymentRef } from '@nestor/plugin-nestor-common';

const MAX_NAME = 63;
const HASH_LENGTH = 8;

/**
 * The catalog entity name of a deployment: `<team>.<environment>.<name>`
 * (the parts are DNS labels, so the dots keep the name unambiguous). An
 * entity name holds at most 63 characters; a longer one keeps its first
 * characters and ends with 8 hex characters of the ref's SHA-256, so two
 * long refs never share a name.
 * @public
 */
export function deploymentEntityName(ref: string): string {
  const { team, environment, name } = parseDeploymentRef(ref);
  const full = `${team}.${environment}.${name}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256')
    .update(ref)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const head = full.slice(0, MAX_NAME - HASH_LENGTH - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}
