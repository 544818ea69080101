/*
 * The catalog-api benchmark's server: ONE real Backstage backend
 * (`createBackend`: root HTTP router with helmet, CORS, compression; real auth
 * with a static external access token) with, side by side, on SQLite in memory:
 *   - the Nestor plugin, its catalog synced from a local folder of N definitions;
 *   - the Backstage catalog, fed the same N items as `Resource` entities by an
 *     entity provider (the time to have them all visible is the catalog's
 *     ingestion baseline);
 *   - a `bench-static` plugin answering a fixed 50-item JSON list: the floor
 *     of any route in this backend.
 * Runs in its own process so the load generator does not share its event loop.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  EntityProvider,
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import nestorPlugin from '@nestor/plugin-nestor-backend';
// the definitions name the helm engine: the catalog validates engines against the registry
import helmEngineModule from '@nestor/plugin-nestor-backend-module-helm';
// eslint-disable-next-line no-restricted-imports, @backstage/no-forbidden-package-imports
import { freePort } from '@nestor/plugin-nestor-backend/src/services/events/__testUtils__/startEventsBackend';
import express from 'express';
import { serveRequests } from '../sse/ipc';
import { BenchBackendClient } from '../backend/BenchBackendClient';

export const CATALOG_API_TOKEN = 'bench-catalog-api-token-0123456789';

let connection: EntityProviderConnection | undefined;
const provider: EntityProvider = {
  getProviderName: () => 'bench-resources',
  async connect(c) {
    connection = c;
  },
};

/** The catalog's side: N `Resource` entities with the same names, owners and types as Nestor's items. */
function resourceEntity(index: number): Entity {
  const id = String(index).padStart(5, '0');
  const location = 'url:https://git.example.com/buffet/defs.yaml';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `item-${id}`,
      title: `Item ${id}`,
      description: `Generated buffet item ${id} for the catalog sync benchmark`,
      tags: ['bench', `group-${index % 7}`],
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: {
      type: [
        'database.postgresql',
        'cache.redis',
        'messaging.queue',
        'network.vpc',
      ][index % 4],
      owner: `team-${index % 20}`,
    },
  };
}

const staticItems = JSON.stringify({
  items: Array.from({ length: 50 }, (_, i) => resourceEntity(i)),
  totalCount: 50,
});

const staticPlugin = createBackendPlugin({
  pluginId: 'bench-static',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.get('/items', (_req, res) => {
          res.type('application/json').send(staticItems);
        });
        httpRouter.use(router);
      },
    });
  },
});

const providerModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'bench-resources',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider(provider);
      },
    });
  },
});

let baseUrl = '';
let client: BenchBackendClient;

serveRequests({
  /** Starts the backend with Nestor reading `dir` and waits for its first sync of `items` definitions. */
  async start({ items, dir }: { items: number; dir: string }) {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    client = new BenchBackendClient(baseUrl, CATALOG_API_TOKEN);
    const backend = createBackend();
    backend.add(
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl,
            listen: { port, host: '127.0.0.1' },
            database: { client: 'better-sqlite3', connection: ':memory:' },
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: {
                    token: CATALOG_API_TOKEN,
                    subject: 'bench-client',
                  },
                },
              ],
            },
          },
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'API',
                  'Resource',
                  'System',
                  'Domain',
                  'Group',
                  'User',
                  'Location',
                ],
              },
            ],
            // no re-processing while the load runs: the entities are processed once, then only read
            processingInterval: { hours: 12 },
          },
          nestor: {
            sources: [{ id: 'bench', path: dir }],
            serviceAccess: [{ subject: 'bench-client', teams: ['*'] }],
          },
        },
      }),
    );
    backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
    // the real scheduler never started Nestor's global sync task in this
    // in-memory-SQLite backend; the in-process one runs it when triggered.
    // Only the catalog sync before the load depends on it, no measured route.
    backend.add(mockServices.scheduler.factory());
    backend.add(catalogPlugin);
    backend.add(providerModule);
    backend.add(nestorPlugin);
    backend.add(helmEngineModule);
    backend.add(staticPlugin);
    const started = Date.now();
    await backend.start();
    // the scheduled sync may not have run yet: ask for one, as a webhook would
    await client.syncSource('bench');
    await BenchBackendClient.waitFor(
      `Nestor's sync of ${items} items`,
      async () =>
        (await client.get('/api/nestor/catalog?limit=1')).totalCount === items,
      { timeoutMs: 600_000, intervalMs: 200 },
    );
    return {
      baseUrl,
      token: CATALOG_API_TOKEN,
      nestorReadyMs: Date.now() - started,
    };
  },
  /** Gives the catalog N `Resource` entities and times until all of them answer by-query. */
  async ingest({ items }: { items: number }) {
    if (!connection) throw new Error('the entity provider was never connected');
    const started = Date.now();
    await connection.applyMutation({
      type: 'full',
      entities: Array.from({ length: items }, (_, i) => ({
        entity: resourceEntity(i),
        locationKey: 'bench-resources',
      })),
    });
    await BenchBackendClient.waitFor(
      `the catalog to ingest ${items} entities`,
      async () =>
        (
          await client.get(
            '/api/catalog/entities/by-query?filter=kind=resource&limit=1',
          )
        ).totalItems === items,
      { timeoutMs: 1_800_000, intervalMs: 200 },
    );
    return { ingestMs: Date.now() - started };
  },
});
