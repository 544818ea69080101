import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { NewNestorEvent } from '@nestor/plugin-nestor-common';
import { DynamoDbNestorStore } from '../DynamoDbNestorStore';
import { loseFirstAnswer } from '../__testUtils__/loseAnswer';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function event(overrides: Partial<NewNestorEvent> = {}): NewNestorEvent {
  return {
    type: 'deployment.phase',
    team: 'team-a',
    ref: 'team-a/dev/db',
    payload: { phase: 'Ready' },
    ...overrides,
  };
}

/** A string attribute of a request input, marshalled (low-level client) or not (document client). */
function attribute(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value
    : (value as { S?: string } | undefined)?.S;
}

/** Delays the PutItem of events of one type: a writer that stalls between reserving its id and writing it. */
function stallPutsOf(client: DynamoDBClient, type: string, ms: number) {
  client.middlewareStack.add(
    (next, context) => async args => {
      const item = (args.input as { Item?: Record<string, unknown> }).Item;
      if (
        /^Put(Item)?Command$/.test(context.commandName ?? '') &&
        attribute(item?.type) === type
      ) {
        await sleep(ms);
      }
      return next(args);
    },
    { step: 'initialize', name: 'stallPuts' },
  );
}

let dynalite: TestDynalite;
const stores: DynamoDbNestorStore[] = [];

async function replicas(
  count: number,
  options: Parameters<TestDynalite['createStore']>[0] = {},
) {
  const tableName = dynalite.uniqueTableName();
  const created: DynamoDbNestorStore[] = [];
  for (let i = 0; i < count; i++) {
    created.push(await dynalite.createStore({ tableName, ...options }));
  }
  stores.push(...created);
  return { tableName, stores: created };
}

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map(s => s.close()));
});

afterAll(async () => {
  await dynalite?.stop();
});

describe('DynamoDbEventStore', () => {
  it('gives 100 appends from two replicas at once 100 distinct, gap-free ids that both replicas read', async () => {
    const {
      stores: [a, b],
    } = await replicas(2);
    const appended = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).events.append([event({ payload: { i } })]),
      ),
    );
    const ids = appended.map(([e]) => e.id).sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const store of [a, b]) {
      const read = await store.events.readAfter({ afterId: 0, limit: 500 });
      expect(read.map(e => e.id)).toEqual(ids);
      expect(new Set(read.map(e => (e.payload as { i: number }).i)).size).toBe(
        100,
      );
      expect(await store.events.latestId()).toBe(100);
    }
  }, 60_000);

  it('holds readers before a reserved id that is still missing, then seals it once the grace period is over', async () => {
    const {
      tableName,
      stores: [store],
    } = await replicas(1, { eventHoleGraceMs: 300 });
    await store.events.append([event({ ref: 'first' })]);
    // a writer reserves id 2 and dies before writing it
    await dynalite.client().send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { PK: { S: 'META' }, SK: { S: 'EVENT_COUNTER' } },
        UpdateExpression: 'ADD seq :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const [third] = await store.events.append([event({ ref: 'third' })]);
    expect(third.id).toBe(3);

    expect(
      (await store.events.readAfter({ afterId: 0, limit: 10 })).map(e => e.ref),
    ).toEqual(['first']);
    expect(await store.events.latestId()).toBe(1);
    expect(await store.events.readAfter({ afterId: 1, limit: 10 })).toEqual([]);

    await sleep(350);
    expect(
      (await store.events.readAfter({ afterId: 0, limit: 10 })).map(e => [
        e.id,
        e.ref,
      ]),
    ).toEqual([
      [1, 'first'],
      [3, 'third'],
    ]);
    expect(await store.events.latestId()).toBe(3);
    expect((await store.events.append([event({ ref: 'fourth' })]))[0].id).toBe(
      4,
    );
  });

  it('appends again, under a new id, an event whose writer was slower than the grace period; nothing is lost or repeated', async () => {
    const tableName = dynalite.uniqueTableName();
    const slowClient = dynalite.client();
    stallPutsOf(slowClient, 'gitops.synced', 700);
    const slow = await dynalite.createStore({
      tableName,
      client: slowClient,
      eventHoleGraceMs: 200,
    });
    const fast = await dynalite.createStore({
      tableName,
      eventHoleGraceMs: 200,
    });
    stores.push(slow, fast);

    const stalled = slow.events.append([
      event({ type: 'gitops.synced', ref: 'slow' }),
    ]);
    await sleep(50);
    const [quick] = await fast.events.append([event({ ref: 'quick' })]);
    expect(quick.id).toBe(2);
    expect(await fast.events.readAfter({ afterId: 0, limit: 10 })).toEqual([]);
    await sleep(300);
    // id 1 is older than the grace period: the reader seals it and moves on
    expect(
      (await fast.events.readAfter({ afterId: 0, limit: 10 })).map(e => e.ref),
    ).toEqual(['quick']);

    const [late] = await stalled;
    expect(late.id).toBe(3);
    expect(late.ref).toBe('slow');
    expect(
      (await fast.events.readAfter({ afterId: 2, limit: 10 })).map(e => [
        e.id,
        e.ref,
      ]),
    ).toEqual([[3, 'slow']]);
    expect(
      (await fast.events.readAfter({ afterId: 0, limit: 10 })).map(e => e.id),
    ).toEqual([2, 3]);
  });

  it('answers team-filtered reads of the settled log from the events-by-team index the same as from the log', async () => {
    const {
      stores: [store],
    } = await replicas(1);
    const teams = ['team-a', 'team-b', 'team-c', null];
    await store.events.append(
      Array.from({ length: 60 }, (_, i) =>
        event({
          team: teams[i % 4],
          type: i % 3 ? 'deployment.phase' : 'catalog.updated',
          visibleTo: i % 5 === 0 ? ['team-c'] : undefined,
          payload: { i },
        }),
      ),
    );
    const queries = [
      { teams: ['team-a'] },
      { teams: ['team-c'] },
      { teams: [] },
      { teams: ['team-a', 'team-b'], types: ['catalog.updated'] },
      { teams: ['team-b'], afterId: 30 },
    ];
    const fromLog = [];
    for (const q of queries) {
      fromLog.push(
        await store.events.readAfter({ afterId: 0, limit: 7, ...q }),
      );
    }
    // latestId walks the log and records that it is complete through 60; reads below use the index
    expect(await store.events.latestId()).toBe(60);
    for (const [i, q] of queries.entries()) {
      const fromIndex = await store.events.readAfter({
        afterId: 0,
        limit: 7,
        ...q,
      });
      expect(fromIndex).toEqual(fromLog[i]);
      expect(fromIndex.length).toBeGreaterThan(0);
    }
    const queriesBefore = store.metrics.snapshot().requests.Query ?? 0;
    await store.events.readAfter({ afterId: 0, limit: 5, teams: ['team-a'] });
    // one query per partition (team-a, global, shared), not a walk of the whole log
    expect((store.metrics.snapshot().requests.Query ?? 0) - queriesBefore).toBe(
      3,
    );
  });

  it('recognises its own event when a retried put finds it already written', async () => {
    const client = dynalite.client();
    const lost = loseFirstAnswer(
      client,
      request =>
        request.operation === 'PutItem' &&
        request.attribute('type') === 'quota.exceeded',
    );
    const store = await dynalite.createStore({
      client,
      retry: { baseDelayMs: 1 },
    });
    stores.push(store);
    const appended = await store.events.append([
      event(),
      event({ type: 'quota.exceeded' }),
      event(),
    ]);
    expect(lost()).toBe(1);
    expect(appended.map(e => e.id)).toEqual([1, 2, 3]);
    expect(
      (await store.events.readAfter({ afterId: 0, limit: 10 })).map(
        e => e.type,
      ),
    ).toEqual(['deployment.phase', 'quota.exceeded', 'deployment.phase']);
  });
});
