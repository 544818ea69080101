import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import { knexDatabaseServiceFactory } from '@nestor/test-utils';

const PG_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';
const DB = `nestor_outage_${process.pid}`;

async function pgAvailable(): Promise<boolean> {
  const probe = knexFactory({
    client: 'pg',
    connection: `${PG_URL}/postgres`,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3000,
  });
  try {
    await probe.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.destroy();
  }
}

/**
 * The store goes away and comes back: a real PostgreSQL database stops
 * accepting connections and its open ones are terminated, then it accepts
 * them again. Readiness says 503 while it is gone and 200 once it is back,
 * and the plugin keeps answering throughout (no crash, no hang): reads and
 * orders fail as server errors with an error body (an order leaves nothing
 * behind) and succeed again once the database is back.
 */
describe('a store that goes away and comes back', () => {
  let admin: Knex;
  let knex: Knex;
  let server: Parameters<typeof request>[0];
  let stop: (() => Promise<void>) | undefined;
  let available = false;

  beforeAll(async () => {
    available = await pgAvailable();
    if (!available) {
      // eslint-disable-next-line no-console
      console.warn(
        '\n*** The store outage test is NOT run: it needs PostgreSQL on 127.0.0.1:5432. ***\n',
      );
      return;
    }
    admin = knexFactory({ client: 'pg', connection: `${PG_URL}/postgres` });
    await admin.raw(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.raw(`CREATE DATABASE ${DB}`);
    knex = knexFactory({
      client: 'pg',
      connection: `${PG_URL}/${DB}`,
      pool: { min: 0, max: 5 },
      acquireConnectionTimeout: 2000,
      // the refused connections are the point of the test: keep them out of the output
      log: { warn() {}, error() {}, debug() {}, deprecate() {} },
    });
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await knex?.destroy();
    if (admin) {
      await admin
        .raw(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS true`)
        .catch(() => undefined);
      await admin.raw(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
      await admin.destroy();
    }
  });

  const ready = () => request(server).get('/api/nestor/health/ready');

  it('answers 503 on readiness and 5xx to reads and orders while the database is gone; serves again once it is back', async () => {
    if (!available) return;
    expect((await ready()).status).toBe(200);

    await admin.raw(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS false`);
    await admin.raw(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()`,
      [DB],
    );
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('down');
    // liveness is not readiness: the process is up and says so
    expect((await request(server).get('/api/nestor/health')).status).toBe(200);
    // a read that needs the store fails as a server error, not a hang or a crash
    const read = await request(server)
      .get('/api/nestor/catalog')
      .set('authorization', mockCredentials.user.header());
    expect(read.status).toBeGreaterThanOrEqual(500);
    expect(read.body.error.name).toEqual(expect.any(String));
    // so does an order: refused with an error body, nothing half-written
    const order = await request(server)
      .post('/api/nestor/deploy')
      .set('authorization', mockCredentials.user.header())
      .send({
        team: 'team-a',
        environment: 'dev',
        name: 'during-outage',
        resource: 'postgres-database',
      });
    expect(order.status).toBeGreaterThanOrEqual(500);
    expect(order.body.error.name).toEqual(expect.any(String));

    await admin.raw(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS true`);
    let back = await ready();
    for (let i = 0; i < 20 && back.status !== 200; i++) {
      await new Promise(r => setTimeout(r, 250));
      back = await ready();
    }
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('ok');
    // and the plugin serves again: the read that failed answers
    const again = await request(server)
      .get('/api/nestor/catalog')
      .set('authorization', mockCredentials.user.header());
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ items: [], totalCount: 0 });
    // the order refused during the outage left nothing behind
    expect(await knex('deployments').select('ref')).toEqual([]);
  }, 60_000);
});
