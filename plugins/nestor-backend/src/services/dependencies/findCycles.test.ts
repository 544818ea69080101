import { csrFromEdges } from './csrFromEdges';
import { findCycles } from './findCycles';

function graphOf(size: number, edges: Array<[number, number]>) {
  return csrFromEdges(size, Int32Array.from(edges.map(e => e[0])), Int32Array.from(edges.map(e => e[1])));
}

function isClosedPath(edges: Array<[number, number]>, path: number[]): boolean {
  const set = new Set(edges.map(([a, b]) => `${a}>${b}`));
  return path[0] === path[path.length - 1] && path.slice(1).every((v, i) => set.has(`${path[i]}>${v}`));
}

describe('findCycles', () => {
  it('finds nothing in a diamond', () => {
    expect(findCycles(graphOf(4, [[0, 1], [0, 2], [1, 3], [2, 3]]))).toEqual([]);
  });

  it('reports a 3-node cycle as its full closed path', () => {
    const cycles = findCycles(graphOf(4, [[0, 1], [1, 2], [2, 0], [2, 3]]));
    expect(cycles).toHaveLength(1);
    expect(cycles[0].size).toBe(3);
    expect(cycles[0].path).toHaveLength(4);
    expect(new Set(cycles[0].path)).toEqual(new Set([0, 1, 2]));
    expect(isClosedPath([[0, 1], [1, 2], [2, 0]], cycles[0].path)).toBe(true);
  });

  it('reports every separate cycle, and skips self-loops unless asked', () => {
    const edges: Array<[number, number]> = [[0, 1], [1, 0], [2, 3], [3, 4], [4, 2], [5, 5], [1, 2]];
    const cycles = findCycles(graphOf(6, edges));
    expect(cycles.map(c => c.size).sort()).toEqual([2, 3]);
    for (const c of cycles) expect(isClosedPath(edges, c.path)).toBe(true);
    const withLoops = findCycles(graphOf(6, edges), { includeSelfLoops: true });
    expect(withLoops.map(c => c.path)).toContainEqual([5, 5]);
  });

  it('gives one path for a component holding several cycles, with its size', () => {
    const edges: Array<[number, number]> = [[0, 1], [1, 0], [1, 2], [2, 1], [2, 3], [3, 0]];
    const cycles = findCycles(graphOf(4, edges));
    expect(cycles).toHaveLength(1);
    expect(cycles[0].size).toBe(4);
    expect(isClosedPath(edges, cycles[0].path)).toBe(true);
  });

  it('ignores nodes left out by the include mask', () => {
    expect(findCycles(graphOf(3, [[0, 1], [1, 2], [2, 0]]), { include: Uint8Array.from([1, 1, 0]) })).toEqual([]);
  });

  it('walks a 200,000-node chain closed into a cycle without recursion', () => {
    const n = 200_000;
    const edges: Array<[number, number]> = Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
    const [cycle] = findCycles(graphOf(n, edges));
    expect(cycle.size).toBe(n);
    expect(cycle.path).toHaveLength(n + 1);
  });
});
