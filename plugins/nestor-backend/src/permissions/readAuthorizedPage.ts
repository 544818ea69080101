/**
 * Reads one page of a list whose store query was narrowed by an access scope
 * but whose items still need the exact per-item test. Each store page is
 * fetched with just the number of items still missing and consumed whole,
 * so the returned cursor is the store's own and no item is skipped or
 * repeated. After `maxRounds` reads a short page is returned with its cursor.
 * @public
 */
export async function readAuthorizedPage<T>(options: {
  limit: number;
  cursor?: string;
  fetch(page: { limit: number; cursor?: string }): Promise<{ items: T[]; nextCursor?: string }>;
  matches(item: T): boolean;
  maxRounds?: number;
}): Promise<{ items: T[]; nextCursor?: string }> {
  const items: T[] = [];
  let cursor = options.cursor;
  const maxRounds = options.maxRounds ?? 10;
  for (let round = 0; round < maxRounds; round++) {
    const page = await options.fetch({ limit: options.limit - items.length, cursor });
    items.push(...page.items.filter(i => options.matches(i)));
    cursor = page.nextCursor;
    if (!cursor || items.length >= options.limit) break;
  }
  return { items, nextCursor: cursor };
}
