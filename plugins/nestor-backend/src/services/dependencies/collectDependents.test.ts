import { collectDependents } from './collectDependents';
import { csrFromEdges } from './csrFromEdges';
import { reverseCsr } from './reverseCsr';

describe('collectDependents', () => {
  it('finds transitive dependents nearest first, with shortest paths down to the start', () => {
    // 0 -> 1 -> 3, 0 -> 2 -> 3, 4 -> 0, 5 independent
    const edges = [[0, 1], [0, 2], [1, 3], [2, 3], [4, 0]];
    const csr = csrFromEdges(6, Int32Array.from(edges.map(e => e[0])), Int32Array.from(edges.map(e => e[1])));
    const { nodes, parent, depth } = collectDependents(reverseCsr(csr), 3);
    expect(Array.from(nodes)).toEqual([1, 2, 0, 4]);
    expect(Array.from(nodes, v => depth[v])).toEqual([1, 1, 2, 3]);
    const path = (v: number) => {
      const p = [v];
      while (parent[p[p.length - 1]] !== -1) p.push(parent[p[p.length - 1]]);
      return p;
    };
    expect(path(4)).toEqual([4, 0, 1, 3]);
    expect(depth[5]).toBe(-1);
  });
});
