import { Csr } from './types';

/**
 * Builds a CSR graph from parallel edge arrays with a counting sort, keeping
 * the input order of each node's edges. O(size + count).
 * @internal
 */
export function csrFromEdges(size: number, from: Int32Array, to: Int32Array, count: number = from.length): Csr {
  const offsets = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) offsets[from[i] + 1]++;
  for (let v = 0; v < size; v++) offsets[v + 1] += offsets[v];
  const cursor = offsets.slice(0, size);
  const targets = new Int32Array(count);
  for (let i = 0; i < count; i++) targets[cursor[from[i]]++] = to[i];
  return { size, offsets, targets };
}
