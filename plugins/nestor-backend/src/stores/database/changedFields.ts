import { stableStringify } from './stableStringify';

/**
 * The paths that differ between two documents, one level below the top
 * (`spec.parameters`, `metadata.title`), or the top-level key when its value
 * is not an object (`apiVersion`). Sorted.
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
        if (stableStringify(objA[sub]) !== stableStringify(objB[sub])) {
          changed.push(`${key}.${sub}`);
        }
      }
    } else if (stableStringify(a[key]) !== stableStringify(b[key])) {
      changed.push(key);
    }
  }
  return changed.sort();
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function union(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
