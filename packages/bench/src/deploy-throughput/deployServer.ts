/*
 * The deploy-throughput benchmark's server: ONE real Backstage backend
 * (`createBackend`: root HTTP router, real auth with a static external access
 * token) with the Nestor plugin and the `bench` engine, on SQLite in memory
 * or on PostgreSQL; its buffet (one item, the teams delivering directly)
 * synced from a local folder, its one cluster the in-process Kubernetes API
 * test server the parent runs. The coordinator runs with its default
 * settings. Also runs the storage floor (storageFloor.ts) on the same kind
 * of database. Runs in its own process so the load generator does not share
 * its event loop.
 */
import { promises as fs } from 'node:fs';
import { Session } from 'node:inspector';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import nestorPlugin from '@nestor/plugin-nestor-backend';
// eslint-disable-next-line no-restricted-imports, @backstage/no-forbidden-package-imports
import { freePort } from '@nestor/plugin-nestor-backend/src/services/events/__testUtils__/startEventsBackend';
import knexFactory, { Knex } from 'knex';
import { serveRequests } from '../sse/ipc';
import { benchEngineModule } from './benchEngine';
import { StorageFloorOptions, runStorageFloor } from './storageFloor';
import { BenchBackendClient } from '../backend/BenchBackendClient';

export const DEPLOY_BENCH_TOKEN = 'bench-deploy-token-0123456789abcdef';

/** Where the benchmark keeps its data: SQLite in memory, or databases named by `prefix` on PostgreSQL. */
export type BenchStorage =
  | { kind: 'sqlite' }
  | { kind: 'postgres'; connection: string; prefix: string };

let baseUrl = '';
let client: BenchBackendClient;
let profiler: Session | undefined;

function post(session: Session, method: string): Promise<any> {
  return new Promise((resolve, reject) =>
    session.post(method, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
}

function databaseConfig(storage: BenchStorage) {
  if (storage.kind === 'sqlite')
    return { client: 'better-sqlite3', connection: ':memory:' };
  return {
    client: 'pg',
    connection: storage.connection,
    prefix: storage.prefix,
  };
}

serveRequests({
  /** Starts the backend and waits until its buffet (the item and `teams` teams) is synced. */
  async start({
    storage,
    dir,
    kubernetesUrl,
    teams,
    coordinator,
  }: {
    storage: BenchStorage;
    dir: string;
    kubernetesUrl: string;
    teams: number;
    /** `nestor.coordinator` settings; its defaults when absent */
    coordinator?: Record<string, number>;
  }) {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    client = new BenchBackendClient(baseUrl, DEPLOY_BENCH_TOKEN);
    const backend = createBackend();
    backend.add(
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl,
            listen: { port, host: '127.0.0.1' },
            database: databaseConfig(storage),
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: {
                    token: DEPLOY_BENCH_TOKEN,
                    subject: 'bench-client',
                  },
                },
              ],
            },
          },
          nestor: {
            sources: [{ id: 'bench', path: dir }],
            serviceAccess: [{ subject: 'bench-client', teams: ['*'] }],
            ...(coordinator ? { coordinator } : {}),
            kubernetes: {
              // plain HTTP to the test server: the client wants skipTLSVerify for that
              clusters: [
                { name: 'dev', url: kubernetesUrl, skipTLSVerify: true },
              ],
            },
          },
        },
      }),
    );
    backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
    // as in catalog-api: the in-process scheduler runs the catalog sync when
    // triggered (the real one did not run global tasks on in-memory SQLite);
    // the coordinator does not use the scheduler
    backend.add(mockServices.scheduler.factory());
    backend.add(nestorPlugin);
    backend.add(benchEngineModule);
    await backend.start();
    await client.syncSource('bench');
    await BenchBackendClient.waitFor(
      `the buffet's sync (1 item, ${teams} teams)`,
      async () =>
        (await client.get('/api/nestor/catalog?limit=1')).totalCount === 1 &&
        (await client.get('/api/nestor/teams')).items.length >= teams,
      { timeoutMs: 120_000 },
    );
    return { baseUrl, token: DEPLOY_BENCH_TOKEN };
  },

  /**
   * CPU time this process has used so far (ms), to tell its work from the
   * machine's load. With DEPLOY_BENCH_PROFILE=<file>, the first call starts
   * a CPU profile and the second writes it: the measured window only.
   */
  async cpu() {
    const file = process.env.DEPLOY_BENCH_PROFILE;
    if (file) {
      if (!profiler) {
        profiler = new Session();
        profiler.connect();
        await post(profiler, 'Profiler.enable');
        await post(profiler, 'Profiler.start');
      } else {
        const { profile } = await post(profiler, 'Profiler.stop');
        await fs.writeFile(file, JSON.stringify(profile));
      }
    }
    const { user, system } = process.cpuUsage();
    return { cpuMs: (user + system) / 1000 };
  },

  /** The storage floor on a fresh database of the same kind; its wall time in ms. */
  async floor({
    storage,
    options,
  }: {
    storage: BenchStorage;
    options: StorageFloorOptions;
  }) {
    let db: Knex;
    let admin: Knex | undefined;
    const database = storage.kind === 'postgres' && `${storage.prefix}floor`;
    if (storage.kind === 'sqlite') {
      db = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: ':memory:' },
        useNullAsDefault: true,
      });
    } else {
      admin = knexFactory({
        client: 'pg',
        connection: `${storage.connection}/postgres`,
      });
      await admin.raw(`CREATE DATABASE ??`, [database]);
      db = knexFactory({
        client: 'pg',
        connection: `${storage.connection}/${database}`,
        pool: { min: 0, max: options.concurrency },
      });
    }
    try {
      const floor = await runStorageFloor(db, options);
      if (floor.deployments !== options.rows)
        throw new Error(
          `the floor wrote ${floor.deployments} of ${options.rows} deployments`,
        );
      return { floorMs: floor.ms };
    } finally {
      await db.destroy();
      if (admin) {
        await admin.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [database]);
        await admin.destroy();
      }
    }
  },
});
