import { Csr } from './types';

/** One strongly connected component reported as a cycle. @public */
export interface FoundCycle {
  /** a closed path through the component: the first node is repeated at the end */
  path: number[];
  /** how many nodes the component holds (at least the path's distinct nodes) */
  size: number;
}

/**
 * Finds every strongly connected component with a cycle (iterative Tarjan,
 * O(V + E), no recursion) and reports each as one full closed path, found by
 * a breadth-first search inside the component from its root back to it (the
 * shortest cycle through the root; linear in the component's edges).
 *
 * @param include - when given, only nodes with a non-zero entry take part
 * @param includeSelfLoops - report `v -> v` as the path `[v, v]`
 * @public
 */
export function findCycles(
  graph: Csr,
  options: { include?: Uint8Array; includeSelfLoops?: boolean } = {},
): FoundCycle[] {
  const { size: n, offsets, targets } = graph;
  const include = options.include;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const cycles: FoundCycle[] = [];
  let sp = 0;
  let counter = 0;
  let components = 0;

  for (let s = 0; s < n; s++) {
    if (index[s] !== -1 || (include && !include[s])) continue;
    index[s] = low[s] = counter++;
    stack[sp++] = s;
    onStack[s] = 1;
    callNode[0] = s;
    callEdge[0] = offsets[s];
    let cp = 1;
    while (cp > 0) {
      const v = callNode[cp - 1];
      const e = callEdge[cp - 1];
      if (e < offsets[v + 1]) {
        callEdge[cp - 1] = e + 1;
        const w = targets[e];
        if (include && !include[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[cp] = w;
          callEdge[cp] = offsets[w];
          cp++;
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      cp--;
      if (cp > 0) {
        const parent = callNode[cp - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] !== index[v]) continue;
      const id = components++;
      let members = 0;
      let w: number;
      do {
        w = stack[--sp];
        onStack[w] = 0;
        component[w] = id;
        members++;
      } while (w !== v);
      if (members > 1) {
        cycles.push({ path: cyclePath(graph, component, v), size: members });
      } else if (options.includeSelfLoops && hasEdge(graph, v, v)) {
        cycles.push({ path: [v, v], size: 1 });
      }
    }
  }
  return cycles;
}

function hasEdge(graph: Csr, from: number, to: number): boolean {
  for (let i = graph.offsets[from]; i < graph.offsets[from + 1]; i++) if (graph.targets[i] === to) return true;
  return false;
}

/** Shortest closed path from `root` back to itself inside its component. */
function cyclePath(graph: Csr, component: Int32Array, root: number): number[] {
  const { offsets, targets } = graph;
  const id = component[root];
  const parent = new Map<number, number>([[root, -1]]);
  const queue = [root];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (let i = offsets[v]; i < offsets[v + 1]; i++) {
      const w = targets[i];
      if (component[w] !== id) continue;
      if (w === root) {
        const path = [root];
        for (let x = v; x !== root; x = parent.get(x)!) path.push(x);
        path.push(root);
        // collected backwards from the closing edge: put it in edge order
        path.reverse();
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  // unreachable: a component with more than one node always closes a cycle
  return [root, root];
}
