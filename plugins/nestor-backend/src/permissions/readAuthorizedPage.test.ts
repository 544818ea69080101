import { readAuthorizedPage } from './readAuthorizedPage';

function pagedSource(values: number[]) {
  const calls: Array<{ limit: number; cursor?: string }> = [];
  return {
    calls,
    fetch: async (page: { limit: number; cursor?: string }) => {
      calls.push(page);
      const start = page.cursor ? Number(page.cursor) : 0;
      const items = values.slice(start, start + page.limit);
      const next = start + page.limit;
      return { items, nextCursor: next < values.length ? String(next) : undefined };
    },
  };
}

describe('readAuthorizedPage', () => {
  it('fills the page across store pages and returns the store cursor where it stopped', async () => {
    const source = pagedSource([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const page = await readAuthorizedPage({ limit: 3, fetch: source.fetch, matches: n => n % 2 === 0 });
    expect(page.items).toEqual([2, 4, 6]);
    expect(source.calls.map(c => c.limit)).toEqual([3, 2, 1]);
    const next = await readAuthorizedPage({ limit: 3, cursor: page.nextCursor, fetch: source.fetch, matches: n => n % 2 === 0 });
    expect(next).toEqual({ items: [8, 10], nextCursor: undefined });
  });

  it('returns a short page with its cursor after maxRounds', async () => {
    const source = pagedSource([1, 3, 5, 7, 9, 11]);
    const page = await readAuthorizedPage({ limit: 2, fetch: source.fetch, matches: n => n % 2 === 0, maxRounds: 2 });
    expect(page).toEqual({ items: [], nextCursor: '4' });
  });
});
