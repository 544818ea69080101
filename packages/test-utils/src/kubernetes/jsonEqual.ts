/** True for a JSON object (not an array, not null). @public */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep equality of JSON values, blind to prototypes (objects cloned in
 * another realm, such as by `structuredClone` under Jest, still compare equal).
 * @public
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter(k => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter(k => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every(k => jsonEqual(a[k], b[k]));
  }
  return false;
}
