import knexFactory, { Knex } from 'knex';
import { runStorageFloor } from './storageFloor';

describe('runStorageFloor', () => {
  let db: Knex;

  beforeEach(() => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
  });

  afterEach(() => db.destroy());

  it('writes every lifecycle to its last version with one event per write, and leaves no table behind', async () => {
    const floor = await runStorageFloor(db, {
      rows: 30,
      steps: 5,
      documentBytes: 2000,
      eventBytes: 500,
      concurrency: 4,
    });
    expect(floor.deployments).toBe(30);
    expect(floor.events).toBe(30 * 6);
    expect(floor.ms).toBeGreaterThan(0);
    for (const table of [
      'floor_deployments',
      'floor_events',
      'floor_counters',
    ]) {
      expect(await db.schema.hasTable(table)).toBe(false);
    }
  });

  it('runs again on the same database (a second store run)', async () => {
    const options = {
      rows: 3,
      steps: 2,
      documentBytes: 10,
      eventBytes: 10,
      concurrency: 2,
    };
    await runStorageFloor(db, options);
    expect((await runStorageFloor(db, options)).events).toBe(9);
  });
});
