import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';

/**
 * A database service that gives each plugin its own SQLite database (as
 * Backstage does in production) and keeps the handles, so a test can look
 * into one: the catalog's `refresh_state`, where processing errors live.
 */
export function perPluginDatabases(databases: TestDatabases) {
  const clients = new Map<string, Promise<Knex>>();
  const factory = createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }) {
      const id = plugin.getId();
      return {
        getClient: () => {
          if (!clients.has(id)) clients.set(id, databases.init('SQLITE_3'));
          return clients.get(id)!;
        },
      };
    },
  });
  return {
    factory,
    client(pluginId: string): Promise<Knex> {
      const client = clients.get(pluginId);
      if (!client)
        throw new Error(`plugin ${pluginId} has not asked for its database`);
      return client;
    },
    async destroy() {
      for (const client of clients.values()) await (await client).destroy();
    },
  };
}
