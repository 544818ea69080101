import { csrFromEdges } from './csrFromEdges';
import { reverseCsr } from './reverseCsr';
import { topologicalWaves } from './topologicalWaves';

function wavesOf(size: number, edges: Array<[number, number]>, include?: Uint8Array) {
  const csr = csrFromEdges(size, Int32Array.from(edges.map(e => e[0])), Int32Array.from(edges.map(e => e[1])));
  const result = topologicalWaves(csr, reverseCsr(csr), include);
  return { waves: result.waves.map(w => [...w].sort()), unordered: result.unordered };
}

describe('topologicalWaves', () => {
  it('orders a diamond in three waves, dependencies first', () => {
    // 0 depends on 1 and 2, which both depend on 3
    expect(wavesOf(4, [[0, 1], [0, 2], [1, 3], [2, 3]])).toEqual({ waves: [[3], [1, 2], [0]], unordered: [] });
  });

  it('puts independent nodes in the first wave together', () => {
    expect(wavesOf(3, [])).toEqual({ waves: [[0, 1, 2]], unordered: [] });
  });

  it('leaves nodes on or behind a cycle unordered', () => {
    // 0 <-> 1 cycle, 2 depends on 0, 3 is free
    expect(wavesOf(4, [[0, 1], [1, 0], [2, 0]])).toEqual({ waves: [[3]], unordered: [0, 1, 2] });
  });

  it('treats edges to nodes outside the mask as satisfied', () => {
    expect(wavesOf(3, [[0, 1], [1, 2]], Uint8Array.from([1, 1, 0]))).toEqual({ waves: [[1], [0]], unordered: [] });
  });
});
