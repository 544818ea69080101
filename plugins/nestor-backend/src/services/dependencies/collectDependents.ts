import { Csr } from './types';

/** The result of {@link collectDependents}. @public */
export interface Dependents {
  /** every node that depends on the start, directly or not, nearest first */
  nodes: Int32Array;
  /** `parent[v]`: the next node on v's shortest path down to the start (-1 for the start) */
  parent: Int32Array;
  /** `depth[v]`: length of that path; -1 for nodes not reached */
  depth: Int32Array;
}

/**
 * Breadth-first search over the reversed graph from `start`, O(V + E):
 * everything that depends on it, with a shortest path for each.
 * @public
 */
export function collectDependents(dependents: Csr, start: number): Dependents {
  const { size, offsets, targets } = dependents;
  const depth = new Int32Array(size).fill(-1);
  const parent = new Int32Array(size).fill(-1);
  const queue = new Int32Array(size);
  let tail = 0;
  depth[start] = 0;
  queue[tail++] = start;
  for (let head = 0; head < tail; head++) {
    const v = queue[head];
    for (let i = offsets[v], end = offsets[v + 1]; i < end; i++) {
      const d = targets[i];
      if (depth[d] !== -1) continue;
      depth[d] = depth[v] + 1;
      parent[d] = v;
      queue[tail++] = d;
    }
  }
  return { nodes: queue.slice(1, tail), parent, depth };
}
