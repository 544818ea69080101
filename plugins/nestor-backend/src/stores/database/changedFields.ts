import { isDeepStrictEqual } from 'node:util';

/**
 * The paths that differ between two JSON documents, one level below the top
 * (`spec.parameters`, `metadata.title`), or the top-level key when its value
 * is not an object (`apiVersion`). Key order does not count. Sorted.
 */
export function changedFields(before: unknown, after: unknown): string[] {
  const changed: string[] = [];
  const a = asObject(before) ?? {};
  const b = asObject(after) ?? {};
  for (const key of union(a, b)) {
    const objA = asObject(a[key]);
    const objB = asObject(b[key]);
    if (objA && objB) {
      for (const sub of union(objA, objB)) {
        if (!isDeepStrictEqual(objA[sub], objB[sub])) {
          changed.push(`${key}.${sub}`);
        }
      }
    } else if (!isDeepStrictEqual(a[key], b[key])) {
      changed.push(key);
    }
  }
  return changed.sort();
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function union(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
