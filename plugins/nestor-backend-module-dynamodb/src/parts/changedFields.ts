import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { canonicalJson } from './canonicalJson';

/**
 * The top-level paths that differ between two definitions: `apiVersion`,
 * `kind`, and `metadata.<key>` / `spec.<key>` for each key of those blocks.
 */
export function changedFields(
  before: ResourceDefinition,
  after: ResourceDefinition,
): string[] {
  const changed: string[] = [];
  for (const key of ['apiVersion', 'kind'] as const) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      changed.push(key);
    }
  }
  for (const block of ['metadata', 'spec'] as const) {
    const a = (before[block] ?? {}) as Record<string, unknown>;
    const b = (after[block] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (canonicalJson(a[key]) !== canonicalJson(b[key])) {
        changed.push(`${block}.${key}`);
      }
    }
  }
  return changed.sort();
}
