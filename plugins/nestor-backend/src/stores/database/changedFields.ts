/**
 * The paths that differ between two JSON documents, one level below the top
 * (`spec.parameters`, `metadata.title`), or the top-level key when its value
 * is not an object (`apiVersion`). Key order does not count, nor do keys
 * whose value is undefined (JSON drops them). Sorted.
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
        if (!jsonEqual(objA[sub], objB[sub])) {
          changed.push(`${key}.${sub}`);
        }
      }
    } else if (!jsonEqual(a[key], b[key])) {
      changed.push(key);
    }
  }
  return changed.sort();
}

/**
 * Deep equality of JSON values. Hand-written because a sync compares
 * thousands of definitions and this is several times faster than
 * `util.isDeepStrictEqual`, which also checks prototypes and symbols.
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object'
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const objA = a as Record<string, unknown>;
  const objB = b as Record<string, unknown>;
  let keysA = 0;
  for (const key of Object.keys(objA)) {
    if (objA[key] === undefined) {
      continue;
    }
    keysA += 1;
    if (!jsonEqual(objA[key], objB[key])) {
      return false;
    }
  }
  return (
    Object.keys(objB).filter(key => objB[key] !== undefined).length === keysA
  );
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function union(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
