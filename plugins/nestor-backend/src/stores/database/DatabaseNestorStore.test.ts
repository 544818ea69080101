import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { runNestorStoreContractTests } from '@nestor/plugin-nestor-node/testUtils';
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

describe.each(databases.eachSupportedId())('DatabaseNestorStore on %s', (databaseId: TestDatabaseId) => {
  runNestorStoreContractTests(databaseId, async () => {
    const knex = await databases.init(databaseId);
    const store = await DatabaseNestorStore.create({
      database: { getClient: async () => knex },
    });
    return { store, cleanup: () => knex.destroy() };
  });
});
