/**
 * Splits a list into slices of at most `size` items, to keep each statement
 * under the databases' limits on bound parameters and compound selects.
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    slices.push(items.slice(i, i + size));
  }
  return slices;
}
