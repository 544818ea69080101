/*
 * Nestor: a real Backstage backend (`createBackend`: root HTTP router with
 * helmet, CORS, compression and request logging; real auth checking a static
 * external access token on every stream) with the Nestor plugin on SQLite.
 * Events are caused through a real EventBus (the test event source module of
 * nestor-backend: append to the log, publish on Backstage's events service),
 * so each one takes the full path: store, bus, hub, fan-out. The fan-out time
 * comes from the hub's own `nestor.events.fanout.duration` histogram, caught
 * by a metrics service that records in memory.
 */
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  MetricsService,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { mockServices } from '@backstage/backend-test-utils';
import nestorPlugin from '@nestor/plugin-nestor-backend';
// TEST ONLY helpers of nestor-backend: the services that will cause events in production are not wired yet
// eslint-disable-next-line no-restricted-imports, @backstage/no-forbidden-package-imports
import { freePort } from '@nestor/plugin-nestor-backend/src/services/events/__testUtils__/startEventsBackend';
// eslint-disable-next-line no-restricted-imports, @backstage/no-forbidden-package-imports
import { createTestEventSourceModule } from '@nestor/plugin-nestor-backend/src/services/events/__testUtils__/testEventSourceModule';
import { writeHeapSnapshot } from 'node:v8';
import { nowMs, serveRequests, settledMemory } from './ipc';

const BENCH_TOKEN = 'bench-processor-token-0123456789';

const histograms = new Map<string, number[]>();
const gauges = new Map<
  string,
  Array<(r: { observe(v: number): void }) => void>
>();
const noop = { add() {}, record() {}, addCallback() {}, removeCallback() {} };
const recordingMetrics: MetricsService = {
  createCounter: () => noop,
  createUpDownCounter: () => noop,
  createGauge: () => noop,
  createObservableCounter: () => noop,
  createObservableUpDownCounter: () => noop,
  createHistogram(name) {
    const values: number[] = [];
    histograms.set(name, values);
    return { record: (v: number) => values.push(v) };
  },
  createObservableGauge(name) {
    const callbacks: Array<(r: { observe(v: number): void }) => void> = [];
    gauges.set(name, callbacks);
    return {
      addCallback: (cb: any) => callbacks.push(cb),
      removeCallback() {},
    };
  },
};

function gauge(name: string): number {
  const observed: number[] = [];
  const result = { observe: (v: number) => observed.push(v) };
  for (const cb of gauges.get(name) ?? []) cb(result);
  return observed.at(-1) ?? 0;
}

const { module: eventSourceModule, source } = createTestEventSourceModule();

serveRequests({
  async start({ connections }: { connections: number }) {
    const port = await freePort();
    const backend = createBackend();
    backend.add(
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: `http://127.0.0.1:${port}`,
            listen: { port, host: '127.0.0.1' },
            database: { client: 'better-sqlite3', connection: ':memory:' },
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: BENCH_TOKEN, subject: 'bench-processor' },
                },
              ],
            },
          },
          events: { notifyTimeoutMs: 1000 },
          nestor: {
            serviceAccess: [{ subject: 'bench-processor', teams: ['team-a'] }],
            events: {
              maxConnections: connections + 100,
              maxConnectionsPerTeam: connections + 100,
            },
          },
        },
      }),
    );
    backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
    backend.add(
      createServiceFactory({
        service: metricsServiceRef,
        deps: {},
        factory: () => recordingMetrics,
      }),
    );
    backend.add(nestorPlugin);
    backend.add(eventSourceModule);
    await backend.start();
    // the first publish sets the event source up (migrations are done by now)
    await source.publish([
      {
        type: 'catalog.updated',
        team: null,
        ref: null,
        payload: { warmup: true },
      },
    ]);
    return {
      url: `http://127.0.0.1:${port}/api/nestor/events`,
      token: BENCH_TOKEN,
    };
  },
  memory: () => ({
    ...settledMemory(),
    connections: gauge('nestor.events.connections'),
  }),
  /** A heap snapshot, to see what a connection costs (a diagnostic, not part of the benchmark). */
  snapshot: ({ path }: { path: string }) => ({ file: writeHeapSnapshot(path) }),
  async broadcast({
    count,
    intervalMs,
    padBytes,
  }: {
    count: number;
    intervalMs: number;
    padBytes: number;
  }) {
    const pad = 'x'.repeat(padBytes);
    const fanout = histograms.get('nestor.events.fanout.duration');
    const before = fanout?.length ?? 0;
    const sentAt: number[] = [];
    let firstId = 0;
    for (let seq = 1; seq <= count; seq++) {
      const at = nowMs();
      sentAt.push(at);
      const [event] = await source.publish([
        {
          type: 'deployment.phase',
          team: 'team-a',
          ref: `team-a/dev/app-${seq}`,
          payload: { seq, pad },
        },
      ]);
      if (seq === 1) firstId = event.id;
      await new Promise(r =>
        setTimeout(r, Math.max(0, intervalMs - (nowMs() - at))),
      );
    }
    return { firstId, sentAt, fanoutMs: fanout?.slice(before) ?? [] };
  },
});
