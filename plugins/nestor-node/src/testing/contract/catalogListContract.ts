/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { CatalogListQuery } from '../../store/types';
import {
  createTestResourceDefinition,
  TestResourceDefinitionOptions,
} from '../createTestResourceDefinition';
import { rejectionOf } from './rejectionOf';
import { StoreGetter } from './types';

const SYNCED_AT = '2025-01-01T10:00:00.000Z';

const SEED: TestResourceDefinitionOptions[] = [
  {
    name: 'kafka-topic',
    title: 'Kafka topic',
    description: 'A topic on the shared cluster',
    tags: ['messaging'],
    type: 'messaging.kafka',
    engine: 'helm',
  },
  {
    name: 'postgres-database',
    title: 'PostgreSQL database',
    description: 'Managed PostgreSQL with daily backups',
    tags: ['database', 'sql'],
    type: 'database.postgresql',
    engine: 'crossplane',
  },
  {
    name: 'mysql-database',
    title: 'MySQL',
    description: 'Managed relational store',
    tags: ['database', 'sql'],
    type: 'database.mysql',
    engine: 'terraform',
    owner: 'team-data',
    visibility: { teams: ['team-payments'] },
  },
  {
    name: 'redis-cache',
    title: 'Redis',
    description: 'In-memory cache',
    tags: ['cache'],
    type: 'cache.redis',
    engine: 'helm',
    owner: 'team-data',
  },
  {
    name: 'secret-vault',
    title: 'Vault namespace',
    description: 'Secrets for 100% of apps',
    tags: ['security'],
    type: 'security.vault',
    engine: 'pulumi',
    owner: 'team-security',
    visibility: { teams: ['team-checkout', 'team-payments'] },
  },
  {
    name: 'internal-dns',
    title: 'Internal DNS zone',
    description: 'Private zone',
    tags: ['network'],
    type: 'network.dns',
    engine: 'terraform',
    owner: 'team-network',
    visibility: { teams: ['team-network-ops'] },
  },
];

async function seed(getStore: StoreGetter) {
  await getStore().catalog.applyChanges(
    {
      upserts: SEED.map(options => ({
        definition: createTestResourceDefinition(options),
        source: {
          id: 'platform',
          url: 'https://git.example.com/buffet.git',
          path: `${options.name}.yaml`,
          commit: 'c1',
        },
      })),
      deletes: [],
    },
    { syncedAt: SYNCED_AT },
  );
}

async function names(
  getStore: StoreGetter,
  query: Omit<CatalogListQuery, 'limit'>,
) {
  const result = await getStore().catalog.listItems({ limit: 100, ...query });
  expect(result.totalCount).toBe(result.items.length);
  expect(result.nextCursor).toBeUndefined();
  return result.items.map(i => i.name);
}

/** Filters, visibility and pagination of `listItems`. */
export function describeCatalogListContract(getStore: StoreGetter) {
  describe('catalog: listItems', () => {
    it('lists every item in name order with full content', async () => {
      await seed(getStore);
      const result = await getStore().catalog.listItems({ limit: 100 });
      expect(result.items.map(i => i.name)).toEqual(
        [...SEED.map(s => s.name)].sort(),
      );
      expect(result.totalCount).toBe(6);
      expect(result.nextCursor).toBeUndefined();
      const redis = result.items.find(i => i.name === 'redis-cache');
      expect(redis?.definition).toEqual(createTestResourceDefinition(SEED[3]));
      expect(redis?.source).toEqual({
        id: 'platform',
        url: 'https://git.example.com/buffet.git',
        path: 'redis-cache.yaml',
        commit: 'c1',
      });
    });

    it('matches q case-insensitively against name, title, description and tags', async () => {
      await seed(getStore);
      expect(await names(getStore, { q: 'REDIS' })).toEqual(['redis-cache']);
      expect(await names(getStore, { q: 'kafka-top' })).toEqual([
        'kafka-topic',
      ]);
      expect(await names(getStore, { q: 'postgresql' })).toEqual([
        'postgres-database',
      ]);
      expect(await names(getStore, { q: 'relational' })).toEqual([
        'mysql-database',
      ]);
      expect(await names(getStore, { q: 'messaging' })).toEqual([
        'kafka-topic',
      ]);
      expect(await names(getStore, { q: 'database' })).toEqual([
        'mysql-database',
        'postgres-database',
      ]);
      expect(await names(getStore, { q: 'no such thing' })).toEqual([]);
    });

    it('treats LIKE wildcards in q and tag as plain characters', async () => {
      await seed(getStore);
      expect(await names(getStore, { q: '100%' })).toEqual(['secret-vault']);
      expect(await names(getStore, { q: '%' })).toEqual(['secret-vault']);
      expect(await names(getStore, { q: '_' })).toEqual([]);
      expect(await names(getStore, { tag: '%' })).toEqual([]);
      expect(await names(getStore, { tag: 'sq_' })).toEqual([]);
    });

    it('filters by type, engine, tag and owner, alone and together', async () => {
      await seed(getStore);
      expect(await names(getStore, { type: 'cache.redis' })).toEqual([
        'redis-cache',
      ]);
      expect(await names(getStore, { engine: 'terraform' })).toEqual([
        'internal-dns',
        'mysql-database',
      ]);
      expect(await names(getStore, { tag: 'sql' })).toEqual([
        'mysql-database',
        'postgres-database',
      ]);
      expect(await names(getStore, { tag: 'data' })).toEqual([]);
      expect(await names(getStore, { owner: 'team-data' })).toEqual([
        'mysql-database',
        'redis-cache',
      ]);
      expect(await names(getStore, { owner: 'team-data', tag: 'sql' })).toEqual(
        ['mysql-database'],
      );
      expect(
        await names(getStore, {
          owner: 'team-data',
          engine: 'helm',
          q: 'cache',
        }),
      ).toEqual(['redis-cache']);
      expect(
        await names(getStore, { type: 'database.postgresql', engine: 'helm' }),
      ).toEqual([]);
    });

    it('shows public items, items visible to one of the teams and items they own', async () => {
      await seed(getStore);
      const publicItems = ['kafka-topic', 'postgres-database', 'redis-cache'];
      expect(await names(getStore, { visibleToTeams: [] })).toEqual(
        publicItems,
      );
      expect(
        await names(getStore, { visibleToTeams: ['team-unknown'] }),
      ).toEqual(publicItems);
      expect(
        await names(getStore, { visibleToTeams: ['team-payments'] }),
      ).toEqual([
        'kafka-topic',
        'mysql-database',
        'postgres-database',
        'redis-cache',
        'secret-vault',
      ]);
      expect(
        await names(getStore, { visibleToTeams: ['team-checkout'] }),
      ).toEqual([...publicItems, 'secret-vault']);
      // the owner sees its item although the visibility names other teams
      expect(
        await names(getStore, { visibleToTeams: ['team-network'] }),
      ).toEqual(['internal-dns', ...publicItems]);
      // a team name that is a prefix of another one does not match it
      expect(
        await names(getStore, { visibleToTeams: ['team-network-o'] }),
      ).toEqual(publicItems);
      expect(
        await names(getStore, {
          visibleToTeams: ['team-checkout', 'team-network-ops'],
          tag: 'security',
        }),
      ).toEqual(['secret-vault']);
    });

    it('pages with a stable cursor and counts every match on each page', async () => {
      const all = Array.from(
        { length: 25 },
        (_, i) => `item-${String(i).padStart(2, '0')}`,
      );
      await getStore().catalog.applyChanges(
        {
          upserts: all.map(name => ({
            definition: createTestResourceDefinition({
              name,
              tags: [Number(name.slice(5)) % 2 ? 'odd' : 'even'],
            }),
            source: {
              id: 'platform',
              url: 'u',
              path: `${name}.yaml`,
              commit: 'c1',
            },
          })),
          deletes: [],
        },
        { syncedAt: SYNCED_AT },
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await getStore().catalog.listItems({ limit: 10, cursor });
        expect(page.totalCount).toBe(25);
        seen.push(...page.items.map(i => i.name));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(all);

      const odd = await getStore().catalog.listItems({ limit: 5, tag: 'odd' });
      expect(odd.totalCount).toBe(12);
      expect(odd.items.map(i => i.name)).toEqual([
        'item-01',
        'item-03',
        'item-05',
        'item-07',
        'item-09',
      ]);
      const oddNext = await getStore().catalog.listItems({
        limit: 5,
        tag: 'odd',
        cursor: odd.nextCursor,
      });
      expect(oddNext.items.map(i => i.name)).toEqual([
        'item-11',
        'item-13',
        'item-15',
        'item-17',
        'item-19',
      ]);
      expect(oddNext.totalCount).toBe(12);
    });

    it('neither repeats nor skips items when others are added or removed between pages', async () => {
      const all = Array.from(
        { length: 12 },
        (_, i) => `item-${String(i + 10)}`,
      );
      const upsert = (list: string[]) =>
        getStore().catalog.applyChanges(
          {
            upserts: list.map(name => ({
              definition: createTestResourceDefinition({ name }),
              source: {
                id: 'platform',
                url: 'u',
                path: `${name}.yaml`,
                commit: 'c1',
              },
            })),
            deletes: [],
          },
          { syncedAt: SYNCED_AT },
        );
      await upsert(all);
      const first = await getStore().catalog.listItems({ limit: 4 });
      expect(first.items.map(i => i.name)).toEqual(all.slice(0, 4));

      await upsert(['aaa-before', 'item-15a', 'zzz-after']);
      await getStore().catalog.applyChanges(
        { upserts: [], deletes: ['item-18'] },
        { syncedAt: SYNCED_AT },
      );

      const seen = first.items.map(i => i.name);
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await getStore().catalog.listItems({ limit: 4, cursor });
        expect(page.totalCount).toBe(14);
        seen.push(...page.items.map(i => i.name));
        cursor = page.nextCursor;
      }
      const expected = [
        ...all.filter(n => n !== 'item-18'),
        'item-15a',
        'zzz-after',
      ].sort();
      expect(seen).toEqual(expected);
    });

    it('returns no cursor when the last page is exactly full', async () => {
      await seed(getStore);
      const page = await getStore().catalog.listItems({ limit: 6 });
      expect(page.items).toHaveLength(6);
      expect(page.nextCursor).toBeUndefined();
      const empty = await getStore().catalog.listItems({
        limit: 10,
        q: 'nothing',
      });
      expect(empty).toEqual({ items: [], totalCount: 0 });
    });

    it('refuses an unreadable cursor with an InputError', async () => {
      await seed(getStore);
      const error = await rejectionOf(
        getStore().catalog.listItems({ limit: 2, cursor: '!!not-a-cursor!!' }),
      );
      expect(error.name).toBe('InputError');
    });
  });
}
