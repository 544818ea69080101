import { Csr } from './types';

/**
 * The same graph with every edge turned around, in O(V + E). Each node's
 * reversed edges come in increasing order of their source.
 * @internal
 */
export function reverseCsr(graph: Csr): Csr {
  const { size, offsets, targets } = graph;
  const count = offsets[size];
  const reversedOffsets = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) reversedOffsets[targets[i] + 1]++;
  for (let v = 0; v < size; v++) reversedOffsets[v + 1] += reversedOffsets[v];
  const cursor = reversedOffsets.slice(0, size);
  const reversedTargets = new Int32Array(count);
  for (let v = 0; v < size; v++) {
    for (let i = offsets[v], end = offsets[v + 1]; i < end; i++) {
      reversedTargets[cursor[targets[i]]++] = v;
    }
  }
  return { size, offsets: reversedOffsets, targets: reversedTargets };
}
