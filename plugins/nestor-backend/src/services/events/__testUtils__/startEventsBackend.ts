import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import eventsBackendPlugin from '@backstage/plugin-events-backend';
import { JsonObject } from '@backstage/types';
import { createServer } from 'node:net';
import { nestorPlugin } from '../../../plugin';
import { createTestEventSourceModule, TestEventSource } from './testEventSourceModule';

/** Static external access tokens of the test processors, by subject. */
export const PROCESSOR_TOKENS = {
  'proc-a': 'proc-a-token-0123456789abcdef',
  'proc-b': 'proc-b-token-0123456789abcdef',
  'proc-ab': 'proc-ab-token-0123456789abcdef',
  'proc-all': 'proc-all-token-0123456789abcdef',
  'proc-unmapped': 'proc-unmapped-token-0123456789',
} as const;

/** A free TCP port on 127.0.0.1 (listen on 0, read, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The config of an events test backend, on the given port and database. */
export function eventsBackendConfig(options: {
  port: number;
  database?: JsonObject;
  useEventBus?: 'always' | 'never' | 'auto';
  events?: JsonObject;
}): JsonObject & { backend: JsonObject & { baseUrl: string } } {
  return {
    backend: {
      baseUrl: `http://127.0.0.1:${options.port}`,
      listen: { port: options.port, host: '127.0.0.1' },
      database: options.database ?? { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: Object.entries(PROCESSOR_TOKENS).map(([subject, token]) => ({
          type: 'static',
          options: { token, subject },
        })),
      },
    },
    // the bus long-polls the events backend; a short poll lets a test backend stop quickly
    events: { useEventBus: options.useEventBus ?? 'auto', notifyTimeoutMs: 1000 },
    nestor: {
      serviceAccess: [
        { subject: 'proc-a', teams: ['team-a'] },
        { subject: 'proc-b', teams: ['team-b'] },
        { subject: 'proc-ab', teams: ['team-a', 'team-b'] },
        { subject: 'proc-all', teams: ['*'] },
      ],
      events: { heartbeat: { seconds: 0.2 }, retryMs: 100, ...options.events },
    },
  };
}

/** A running backend with the Nestor plugin and the events backend. */
export interface EventsBackend {
  baseUrl: string;
  source: TestEventSource;
  stop(): Promise<void>;
}

/**
 * Starts a real Backstage backend (`createBackend`: real root HTTP router with
 * helmet, CORS and compression, real auth with `externalAccess` static tokens,
 * real database, scheduler and events services) with the Nestor plugin, the
 * events backend (the cross-replica bus on PostgreSQL) and the test event source.
 */
export async function startEventsBackend(config: JsonObject): Promise<EventsBackend> {
  const { module, source } = createTestEventSourceModule();
  const backend = createBackend();
  backend.add(mockServices.rootConfig.factory({ data: config }));
  backend.add(mockServices.rootLogger.factory({ level: (process.env.NESTOR_TEST_LOG_LEVEL as 'warn' | undefined) ?? 'warn' }));
  backend.add(eventsBackendPlugin);
  backend.add(nestorPlugin);
  backend.add(module);
  await backend.start();
  const backendConfig = config.backend as { baseUrl: string };
  return { baseUrl: `${backendConfig.baseUrl}/api/nestor`, source, stop: () => backend.stop() };
}
