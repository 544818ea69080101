/**
 * Merges Helm values the way Helm merges values files: objects key by key,
 * deeply; anything else (arrays included) is replaced by the later layer.
 * @public
 */
export function mergeValues(...layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      const current = result[key];
      result[key] = isObject(current) && isObject(value) ? mergeValues(current, value) : value;
    }
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
