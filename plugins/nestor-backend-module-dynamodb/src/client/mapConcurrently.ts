/**
 * Runs `work` on every element with at most `concurrency` in flight, keeping
 * the results in input order.
 */
export async function mapConcurrently<T, R>(
  list: T[],
  concurrency: number,
  work: (value: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(list.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(concurrency, list.length) },
    async () => {
      while (next < list.length) {
        const index = next++;
        results[index] = await work(list[index], index);
      }
    },
  );
  await Promise.all(workers);
  return results;
}
