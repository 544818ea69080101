import { Csr } from './types';

/** The result of {@link topologicalWaves}. @public */
export interface Waves {
  /** wave 1 depends on nothing in the set; wave k only on waves before it */
  waves: number[][];
  /** nodes never ordered because they are on, or depend on, a cycle */
  unordered: number[];
}

/**
 * Kahn's algorithm by levels, O(V + E): which nodes can be deployed in
 * parallel, given `dependencies` (v -> what v depends on) and its reverse.
 * Edges to nodes outside `include` count as already satisfied.
 * @public
 */
export function topologicalWaves(dependencies: Csr, dependents: Csr, include?: Uint8Array): Waves {
  const n = dependencies.size;
  const { offsets, targets } = dependencies;
  const remaining = new Int32Array(n);
  let frontier: number[] = [];
  let total = 0;
  for (let v = 0; v < n; v++) {
    if (include && !include[v]) continue;
    total++;
    let count = 0;
    for (let i = offsets[v], end = offsets[v + 1]; i < end; i++) {
      if (!include || include[targets[i]]) count++;
    }
    remaining[v] = count;
    if (count === 0) frontier.push(v);
  }
  const waves: number[][] = [];
  let ordered = 0;
  const back = dependents.offsets;
  const sources = dependents.targets;
  while (frontier.length > 0) {
    waves.push(frontier);
    ordered += frontier.length;
    const next: number[] = [];
    for (const t of frontier) {
      for (let i = back[t], end = back[t + 1]; i < end; i++) {
        const d = sources[i];
        if (include && !include[d]) continue;
        if (--remaining[d] === 0) next.push(d);
      }
    }
    frontier = next;
  }
  const unordered: number[] = [];
  if (ordered < total) {
    for (let v = 0; v < n; v++) if ((!include || include[v]) && remaining[v] > 0) unordered.push(v);
  }
  return { waves, unordered };
}
