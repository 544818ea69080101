import { mockServices } from '@backstage/backend-test-utils';
import { DynamoDbStoreMetrics } from '../client/DynamoDbStoreMetrics';
import { RetryPolicy } from '../client/RetryPolicy';
import { TableClient } from '../client/TableClient';
import { keys } from '../schema/keys';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';
import { MigrationRunner } from './MigrationRunner';
import { migrations } from './migrations';
import { DynamoDbMigration } from './types';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

/** An empty table (no migration run) and a client for it. */
async function emptyTable(): Promise<TableClient> {
  const tableName = dynalite.uniqueTableName();
  await (await dynalite.createStore({ tableName, migrations: [] })).close();
  const retry = RetryPolicy.create({ metrics: DynamoDbStoreMetrics.create() });
  return TableClient.create({ client: dynalite.client(), tableName, retry });
}

/** Migrations that count their runs in an item, slowly enough for replicas to overlap. */
function countingMigrations(count: number): DynamoDbMigration[] {
  return Array.from({ length: count }, (_, i) => ({
    version: i + 1,
    name: `test step ${i + 1}`,
    async up({ table }) {
      await sleep(30);
      await table.update({
        Key: { PK: 'TEST', SK: 'RUNS' },
        UpdateExpression: 'ADD #m :one',
        ExpressionAttributeNames: { '#m': `m${i + 1}` },
        ExpressionAttributeValues: { ':one': 1 },
      });
    },
  }));
}

function runner(table: TableClient, list: DynamoDbMigration[], lock = {}) {
  return MigrationRunner.create({
    table,
    migrations: list,
    logger: mockServices.logger.mock(),
    lock: { pollMs: 20, ...lock },
  });
}

describe('MigrationRunner', () => {
  it('brings a new table to the latest version with the shipped migrations', async () => {
    const table = await emptyTable();
    expect(await runner(table, migrations).run()).toBe(migrations.length);
    expect(await table.get(keys.eventLog())).toMatchObject({
      prunedThrough: 0,
      sealedThrough: 0,
    });
    expect(await table.get(keys.schemaVersion())).toMatchObject({
      version: migrations.length,
    });
    // running again changes nothing
    expect(await runner(table, migrations).run()).toBe(migrations.length);
  });

  it('runs each migration once, in order, when eight replicas start at the same time', async () => {
    const table = await emptyTable();
    const list = countingMigrations(3);
    const reached = await Promise.all(
      Array.from({ length: 8 }, () => runner(table, list).run()),
    );
    expect(reached).toEqual(Array(8).fill(3));
    expect(await table.get({ PK: 'TEST', SK: 'RUNS' })).toMatchObject({
      m1: 1,
      m2: 1,
      m3: 1,
    });
    expect(await table.get(keys.migrationLock())).toBeUndefined();

    // a later release adds a fourth migration: only that one runs
    const more = countingMigrations(4);
    await Promise.all([runner(table, more).run(), runner(table, more).run()]);
    expect(await table.get({ PK: 'TEST', SK: 'RUNS' })).toMatchObject({
      m1: 1,
      m2: 1,
      m3: 1,
      m4: 1,
    });
  }, 30_000);

  it('takes over the lock of a replica that died while migrating', async () => {
    const table = await emptyTable();
    await table.put({
      ...keys.migrationLock(),
      owner: 'dead-replica',
      expiresAt: Date.now() - 1,
    });
    expect(await runner(table, countingMigrations(2)).run()).toBe(2);
  });

  it('waits for a live lock holder and gives up with a clear error after the wait limit', async () => {
    const table = await emptyTable();
    await table.put({
      ...keys.migrationLock(),
      owner: 'busy-replica',
      expiresAt: Date.now() + 60_000,
    });
    await expect(
      runner(table, countingMigrations(1), { waitMs: 150 }).run(),
    ).rejects.toThrow(
      /Timed out waiting for another replica to migrate DynamoDB table "nestor-test-\d+-\d+"/,
    );
    expect(await table.get({ PK: 'TEST', SK: 'RUNS' })).toBeUndefined();
  });

  it('refuses a table migrated by a newer release', async () => {
    const table = await emptyTable();
    await table.put({ ...keys.schemaVersion(), version: 7 });
    await expect(runner(table, countingMigrations(2)).run()).rejects.toThrow(
      /is at schema version 7, newer than this Nestor knows \(2\); upgrade Nestor/,
    );
  });

  it('refuses migrations that are not numbered 1, 2, 3 without gaps', async () => {
    const table = await emptyTable();
    const [one, , three] = countingMigrations(3);
    expect(() => runner(table, [one, three])).toThrow(
      'found 3 ("test step 3") at position 2',
    );
  });
});
