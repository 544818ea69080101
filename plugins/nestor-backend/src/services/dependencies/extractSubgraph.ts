import { csrFromEdges } from './csrFromEdges';
import { Csr } from './types';

/** A part of a larger graph renumbered from 0. @public */
export interface Subgraph {
  /** `nodes[local]` is the id in the larger graph */
  nodes: number[];
  csr: Csr;
}

/**
 * Everything reachable from `seeds` through `neighbors`, restricted to nodes
 * `keep` accepts, as a CSR graph of its own. Linear in what it reaches.
 * @public
 */
export function extractSubgraph(
  seeds: Iterable<number>,
  neighbors: (v: number) => ArrayLike<number>,
  keep: (v: number) => boolean,
): Subgraph {
  const local = new Map<number, number>();
  const nodes: number[] = [];
  for (const s of seeds) {
    if (keep(s) && !local.has(s)) {
      local.set(s, nodes.length);
      nodes.push(s);
    }
  }
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const list = neighbors(nodes[i]);
    for (let j = 0; j < list.length; j++) {
      const w = list[j];
      if (!keep(w)) continue;
      let lw = local.get(w);
      if (lw === undefined) {
        lw = nodes.length;
        local.set(w, lw);
        nodes.push(w);
      }
      from.push(i);
      to.push(lw);
    }
  }
  return { nodes, csr: csrFromEdges(nodes.length, Int32Array.from(from), Int32Array.from(to)) };
}
