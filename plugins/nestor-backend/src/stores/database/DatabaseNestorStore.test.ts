import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestResourceDefinition,
  runNestorStoreContractTests,
} from '@nestor/plugin-nestor-node/testUtils';
import { Knex } from 'knex';
import { DatabaseNestorStore } from './DatabaseNestorStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n*** DatabaseNestorStore: PostgreSQL is NOT tested in this run. ***\n' +
      'Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432 ' +
      '(and BACKSTAGE_TEST_DISABLE_DOCKER=1) to run the store contract against PostgreSQL too.\n',
  );
}

/**
 * A fresh store per contract test. On PostgreSQL one database serves the whole
 * file and is emptied before each test: creating (and, at the end, dropping)
 * a database per test costs seconds each on a busy server.
 */
function freshStores(databaseId: TestDatabaseId) {
  let shared: Knex | undefined;
  return async () => {
    if (databaseId.startsWith('POSTGRES')) {
      shared ??= await databases.init(databaseId);
      const knex = shared;
      const store = await DatabaseNestorStore.create({
        database: { getClient: async () => knex },
      });
      await knex.raw(
        'TRUNCATE catalog_items, catalog_item_versions, source_statuses, teams, quota_usage, policy_sets, deployments, events RESTART IDENTITY',
      );
      await knex('counters').update({ value: 0 });
      return { store };
    }
    const knex = await databases.init(databaseId);
    const store = await DatabaseNestorStore.create({
      database: { getClient: async () => knex },
    });
    return { store, cleanup: () => knex.destroy() };
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseNestorStore on %s',
  (databaseId: TestDatabaseId) => {
    runNestorStoreContractTests(databaseId, freshStores(databaseId));

    describe('on one database shared by replicas', () => {
      let knex: Knex;
      beforeEach(async () => {
        knex = await databases.init(databaseId);
      });
      afterEach(async () => {
        await knex.destroy();
      });

      it('skips migrations when the database service says so, and runs them once otherwise', async () => {
        await DatabaseNestorStore.create({
          database: { getClient: async () => knex, migrations: { skip: true } },
        });
        expect(await knex.schema.hasTable('catalog_items')).toBe(false);
        await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
          skipMigrations: true,
        });
        expect(await knex.schema.hasTable('catalog_items')).toBe(false);

        await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        const again = await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        expect(await knex.schema.hasTable('catalog_items')).toBe(true);
        expect(await again.events.latestId()).toBe(0);
      });

      it('combines concurrent event appends of a replica into fewer writes, ids gap-free across replicas, batches contiguous, a bad batch failing alone', async () => {
        const a = await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        const b = await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        let counterWrites = 0;
        const count = (query: { sql: string }) => {
          if (/update\s+"?counters"?/i.test(query.sql)) counterWrites++;
        };
        knex.on('query', count);
        const batch = (replica: string, i: number) =>
          Array.from({ length: 1 + (i % 3) }, (_, j) => ({
            type: 'deployment.phase' as const,
            team: 'team-a',
            ref: `team-a/dev/svc-${i}`,
            payload: { replica, i, j },
          }));
        const results = await Promise.all([
          ...Array.from({ length: 40 }, (_, i) =>
            a.events.append(batch('a', i)),
          ),
          ...Array.from({ length: 40 }, (_, i) =>
            b.events.append(batch('b', i)),
          ),
        ]);
        knex.removeListener('query', count);
        const total = results.reduce((n, r) => n + r.length, 0);
        for (const appended of results) {
          expect(appended.map(e => e.id)).toEqual(
            appended.map((_, k) => appended[0].id + k),
          );
        }
        const ids = results.flatMap(r => r.map(e => e.id));
        expect([...ids].sort((x, y) => x - y)).toEqual(
          Array.from({ length: total }, (_, k) => k + 1),
        );
        expect(counterWrites).toBeLessThan(results.length);
        const read = await b.events.readAfter({ afterId: 0, limit: 1000 });
        expect(read).toEqual(results.flat().sort((x, y) => x.id - y.id));

        // a batch the database refuses (a type longer than its column, on
        // PostgreSQL) fails only its own append, and leaves no gap
        const tooLong = [
          {
            type: 'x'.repeat(100) as 'deployment.phase',
            team: null,
            ref: null,
            payload: {},
          },
        ];
        const outcomes = await Promise.allSettled([
          a.events.append(batch('a', 100)),
          a.events.append(batch('a', 101)),
          a.events.append(tooLong),
          a.events.append(batch('a', 102)),
        ]);
        const postgres = databaseId.startsWith('POSTGRES');
        expect(outcomes.map(o => o.status)).toEqual([
          'fulfilled',
          'fulfilled',
          postgres ? 'rejected' : 'fulfilled',
          'fulfilled',
        ]);
        const all = await a.events.readAfter({ afterId: 0, limit: 1000 });
        expect(all.map(e => e.id)).toEqual(
          Array.from({ length: all.length }, (_, k) => k + 1),
        );
        expect(await a.events.latestId()).toBe(all.length);
      });

      it('gives each replica the total count after another replica changed the catalog', async () => {
        const a = await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        const b = await DatabaseNestorStore.create({
          database: { getClient: async () => knex },
        });
        const write = (name: string) => ({
          definition: createTestResourceDefinition({ name }),
          source: {
            id: 'platform',
            url: 'u',
            path: `${name}.yaml`,
            commit: 'c1',
          },
        });
        await a.catalog.applyChanges(
          { upserts: [write('one'), write('two')], deletes: [] },
          {},
        );
        expect((await a.catalog.listItems({ limit: 1 })).totalCount).toBe(2);
        expect((await b.catalog.listItems({ limit: 1 })).totalCount).toBe(2);

        await b.catalog.applyChanges(
          { upserts: [write('three')], deletes: ['one'] },
          {},
        );
        await b.catalog.applyChanges(
          { upserts: [write('four')], deletes: [] },
          {},
        );
        const fromA = await a.catalog.listItems({ limit: 10 });
        expect(fromA.totalCount).toBe(3);
        expect(fromA.items.map(i => i.name)).toEqual(['four', 'three', 'two']);
        // an unchanged re-sync does not bump the generation, counts stay right
        await b.catalog.applyChanges(
          { upserts: [write('four')], deletes: [] },
          {},
        );
        expect((await a.catalog.listItems({ limit: 10 })).totalCount).toBe(3);
        expect(
          (await a.catalog.listItems({ limit: 10, q: 'three' })).totalCount,
        ).toBe(1);
      });
    });
  },
);
