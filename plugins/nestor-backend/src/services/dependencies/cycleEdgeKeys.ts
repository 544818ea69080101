/**
 * The edges that lie on the given cycles, as `from -> to` strings, so that
 * renderers can highlight them.
 * @internal
 */
export function cycleEdgeKeys(cycles: readonly string[][]): Set<string> {
  const keys = new Set<string>();
  for (const path of cycles) {
    for (let i = 0; i + 1 < path.length; i++) keys.add(`${path[i]} -> ${path[i + 1]}`);
  }
  return keys;
}
