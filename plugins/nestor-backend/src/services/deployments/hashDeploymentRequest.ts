import { createHash } from 'node:crypto';
import { DeploymentRequest } from '@nestor/plugin-nestor-common';

/**
 * The hash an idempotency key is bound to: the request (as parsed, defaults
 * applied, keys in canonical order) and who sent it, so the same key with
 * another body, or from someone else, is a conflict.
 * @public
 */
export function hashDeploymentRequest(principal: string, request: DeploymentRequest): string {
  return createHash('sha256').update(canonicalJson({ principal, request })).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
