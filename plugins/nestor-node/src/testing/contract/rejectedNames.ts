/** The error names of the promises that rejected. */
export function rejectedNames(settled: PromiseSettledResult<unknown>[]) {
  return settled.flatMap(s =>
    s.status === 'rejected' ? [(s.reason as Error).name] : [],
  );
}
