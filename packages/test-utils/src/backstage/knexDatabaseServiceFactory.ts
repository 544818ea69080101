import { coreServices, createServiceFactory, DatabaseService } from '@backstage/backend-plugin-api';

/**
 * A database service that hands every plugin the one Knex client a test
 * made (usually from `TestDatabases.init`), so the test can read and break
 * the very database the plugin writes to.
 */
export function knexDatabaseServiceFactory(knex: Awaited<ReturnType<DatabaseService['getClient']>>) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {},
    factory: () => ({ getClient: async () => knex }),
  });
}
