import { isPlainObject } from './jsonEqual';

/**
 * Applies a JSON merge patch (RFC 7386): objects merge key by key, `null`
 * removes a key, anything else (arrays included) replaces. The API server
 * uses it for `application/merge-patch+json`; the test server also uses it,
 * as an approximation, for strategic merge patches.
 * @public
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return structuredClone(patch);
  }
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}
