import { Dependency, NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import { BackendProcess as ChildBackend, spawnBackendProcess } from '@nestor/test-utils';
import knexFactory, { Knex } from 'knex';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DatabaseNestorStore } from '../../stores/database/DatabaseNestorStore';
import { eventsBackendConfig, freePort, PROCESSOR_TOKENS } from './__testUtils__/startEventsBackend';
import { controllableFetch, openEventSource, teamEvent, waitFor } from './__testUtils__/sseTestClients';

jest.setTimeout(180_000);

const RUN_EVENTS_BACKEND = path.resolve(__dirname, '__testUtils__/runEventsBackend.ts');

const connection =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ?? 'postgresql://postgres@127.0.0.1:5432';

/** A connection to one database of the server (a connection string's own database would override a separate one). */
function connectTo(database: string): Knex {
  const url = new URL(connection);
  url.pathname = `/${database}`;
  return knexFactory({ client: 'pg', connection: url.toString() });
}

/** Checked before the tests are declared, so an unreachable server skips them (not passes them). */
function postgresReachable(): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`,
      connection,
    ],
    { timeout: 10_000, cwd: __dirname },
  );
  return probe.status === 0;
}

const reachable = postgresReachable();
if (!reachable) {
  // eslint-disable-next-line no-console
  console.warn(
    `\n*** EventBus replicas: PostgreSQL is NOT reachable at ${connection}; the two-process tests are SKIPPED. ***\n` +
      'Start PostgreSQL or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to run them.\n',
  );
}

/*
 * Two backend processes (replica 1 and replica 2), each `createBackend` with
 * the Nestor plugin and the events backend, on one PostgreSQL database
 * (unique per run) with `events.useEventBus: always`.
 */
(reachable ? describe : describe.skip)('events across two backend processes on one PostgreSQL', () => {
  const prefix = `nestor_evt_${process.pid}_${Date.now().toString(36)}_`;
  const replicas: ChildBackend[] = [];
  let store: DatabaseNestorStore;
  let db: Knex | undefined;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    const database = { client: 'pg', connection, prefix };
    const [port1, port2] = [await freePort(), await freePort()];
    // one after the other: the first one creates the databases and runs the migrations
    replicas.push(await spawnBackendProcess(RUN_EVENTS_BACKEND, eventsBackendConfig({ port: port1, database, useEventBus: 'always' })));
    replicas.push(await spawnBackendProcess(RUN_EVENTS_BACKEND, eventsBackendConfig({ port: port2, database, useEventBus: 'always' })));
    db = connectTo(`${prefix}nestor`);
    store = await DatabaseNestorStore.create({ database: { getClient: async () => db! }, skipMigrations: true });
  });

  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await db?.destroy();
    const admin = connectTo('postgres');
    try {
      const { rows } = await admin.raw('select datname from pg_database where datname like ?', [`${prefix}%`]);
      for (const { datname } of rows) await admin.raw('drop database if exists ?? with (force)', [datname]);
    } finally {
      await admin.destroy();
    }
  });

  /** Causes events on a replica, through its Nestor plugin's own database and events service. */
  async function publishOn(replica: ChildBackend, events: NewNestorEvent[]): Promise<NestorEvent[]> {
    const res = await fetch(`${replica.baseUrl}/test/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-all']}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(events),
    });
    if (res.status !== 201) throw new Error(`publish failed with ${res.status}: ${await res.text()}`);
    return res.json();
  }

  function subscribe(replica: ChildBackend, subject: keyof typeof PROCESSOR_TOKENS) {
    const s = openEventSource(`${replica.baseUrl}/events`, controllableFetch(PROCESSOR_TOKENS[subject]).fetch);
    closers.push(s.close);
    return s;
  }

  it('an event caused on replica 1 reaches a subscriber on replica 2, carried by the PostgreSQL bus', async () => {
    const onReplica2 = subscribe(replicas[1], 'proc-a');
    await onReplica2.opened();
    const [caused] = await publishOn(replicas[0], [teamEvent('team-a', 1)]);
    await waitFor(() => onReplica2.events.length === 1, 'the event on replica 2', 30_000);
    expect(onReplica2.events[0]).toMatchObject({ id: caused.id, team: 'team-a', payload: { i: 1 } });

    // the bus (in the events plugin's own database) carried it, and the subscriptions of
    // replica 2 (its own ids, not among those replica 1 notified in-process) read past it
    const busDb = connectTo(`${prefix}events`);
    try {
      const stored = await busDb('event_bus_events').where({ topic: 'nestor' }).select('id', 'data_json', 'notified_subscribers');
      const carried = stored.find(row =>
        (JSON.parse(row.data_json).payload.events as NestorEvent[]).some(e => e.id === caused.id),
      );
      expect(carried).toBeDefined();
      const subscriptions = await busDb('event_bus_subscriptions').where('id', 'like', 'nestor.nestor-sse-%');
      // replica 1 notified its own subscribers in-process; the others (replica 2's plugin) read it from the bus
      expect(carried!.notified_subscribers.length).toBeGreaterThanOrEqual(1);
      const onReplica2Bus = subscriptions.filter(sub => !carried!.notified_subscribers.includes(sub.id));
      expect(onReplica2Bus.length).toBeGreaterThanOrEqual(1);
      for (const sub of onReplica2Bus) expect(Number(sub.read_until)).toBeGreaterThanOrEqual(Number(carried!.id));
    } finally {
      await busDb.destroy();
    }
  });

  it('a team-B subscriber on either replica never receives a team-A event', async () => {
    const bOn1 = subscribe(replicas[0], 'proc-b');
    const bOn2 = subscribe(replicas[1], 'proc-b');
    await Promise.all([bOn1.opened(), bOn2.opened()]);
    await publishOn(replicas[0], [teamEvent('team-a', 1), teamEvent('team-b', 2)]);
    await publishOn(replicas[1], [teamEvent('team-a', 3), teamEvent('team-b', 4)]);
    const [sentinel] = await publishOn(replicas[1], [teamEvent(null, 5)]);
    await waitFor(() => [bOn1, bOn2].every(s => s.events.some(e => e.id === sentinel.id)), 'the sentinel on both', 30_000);
    for (const s of [bOn1, bOn2]) {
      expect(s.events.map(e => (e.payload as { i: number }).i)).toEqual([2, 4, 5]);
    }
  });

  it('an event the bus never carried still reaches subscribers on both replicas, from the log', async () => {
    const on1 = subscribe(replicas[0], 'proc-all');
    const on2 = subscribe(replicas[1], 'proc-all');
    await Promise.all([on1.opened(), on2.opened()]);
    // appended by a writer that did not publish: only the log has it
    const [silent] = await store.events.append([teamEvent('team-a', 1)]);
    await waitFor(() => on1.events.length === 1 && on2.events.length === 1, 'the silent event on both replicas', 30_000);
    expect(on1.events[0].id).toBe(silent.id);
    expect(on2.events[0].id).toBe(silent.id);
  });

  it('events published concurrently on both replicas reach every subscriber in id order, once', async () => {
    const on1 = subscribe(replicas[0], 'proc-all');
    const on2 = subscribe(replicas[1], 'proc-all');
    await Promise.all([on1.opened(), on2.opened()]);
    const published = (
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => publishOn(replicas[i % 2], [teamEvent('team-a', i * 2), teamEvent('team-b', i * 2 + 1)])),
      )
    ).flat();
    const ids = published.map(e => e.id).sort((x, y) => x - y);
    expect(ids).toHaveLength(40);
    await waitFor(() => on1.events.length >= 40 && on2.events.length >= 40, 'all 40 on both replicas', 30_000);
    await new Promise(r => setTimeout(r, 1500)); // longer than a poll: nothing is repeated
    expect(on1.events.map(e => e.id)).toEqual(ids);
    expect(on2.events.map(e => e.id)).toEqual(ids);
  });

  it("a deployment made on replica 1 shows in replica 2's dependency graph within seconds (no periodic reload needed)", async () => {
    const edgesOn = async (replica: ChildBackend) => {
      const res = await fetch(`${replica.baseUrl}/dependencies?team=team-a`, {
        headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-all']}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Dependency[] }).items;
    };
    const expected = { from: 'team-a/dev/orders-api', to: 'team-a/dev/orders-db', crossTeam: false };
    expect(await edgesOn(replicas[1])).not.toContainEqual(expected);
    // what replica 1's coordinator does: write the deployments, then publish their events
    for (const d of [
      createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db', phase: 'Ready' }),
      createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-api', dependsOn: ['team-a/dev/orders-db'] }),
    ]) {
      await store.deployments.create(d);
      await publishOn(replicas[0], [{ type: 'deployment.created', team: 'team-a', ref: d.ref, payload: {} }]);
    }
    // replica 2 never called its coordinator: only the events can have told it
    const deadline = Date.now() + 20_000;
    let edges = await edgesOn(replicas[1]);
    while (!edges.some(e => e.from === expected.from) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200));
      edges = await edgesOn(replicas[1]);
    }
    expect(edges).toContainEqual(expected);
  });
});
