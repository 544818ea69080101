import { createTestResourceDefinition } from '@nestor/plugin-nestor-node/testUtils';
import { loseFirstAnswer } from '../__testUtils__/loseAnswer';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

const write = (version: string) => ({
  definition: createTestResourceDefinition({ name: 'alpha', version }),
  source: {
    id: 'platform',
    url: 'https://git.example.com/buffet.git',
    path: 'alpha.yaml',
    commit: `c-${version}`,
  },
});

describe('DynamoDbCatalogStore', () => {
  it('reports a change whose version entry landed although its answer was lost', async () => {
    const client = dynalite.client();
    const lost = loseFirstAnswer(
      client,
      request =>
        request.operation === 'PutItem' &&
        request.attribute('SK') === 'REV#0000000002',
    );
    const store = await dynalite.createStore({
      client,
      retry: { baseDelayMs: 1 },
    });
    await store.catalog.applyChanges(
      { upserts: [write('1.0.0')], deletes: [] },
      { syncedAt: '2025-01-01T00:00:00.000Z' },
    );

    const result = await store.catalog.applyChanges(
      { upserts: [write('1.1.0')], deletes: [] },
      { syncedAt: '2025-01-02T00:00:00.000Z' },
    );
    expect(lost()).toBe(1);
    expect(result.updated.map(i => i.definition.spec.version)).toEqual([
      '1.1.0',
    ]);
    expect(
      (await store.catalog.listVersions('alpha')).map(v => [
        v.version,
        v.change,
      ]),
    ).toEqual([
      ['1.1.0', 'updated'],
      ['1.0.0', 'created'],
    ]);
    expect((await store.catalog.getItem('alpha'))?.source.commit).toBe(
      'c-1.1.0',
    );
    await store.close();
  });

  it('finishes a change whose writer died between its two writes, then applies the next one on top', async () => {
    const tableName = dynalite.uniqueTableName();
    const store = await dynalite.createStore({ tableName });
    await store.catalog.applyChanges(
      { upserts: [write('1.0.0')], deletes: [] },
      { syncedAt: '2025-01-01T00:00:00.000Z' },
    );
    // a writer claimed version entry 2 and died before moving the current item
    const dying = dynalite.client();
    dying.middlewareStack.add(
      (next, context) => async args => {
        const item = (args.input as { Item?: Record<string, any> }).Item;
        if (
          /^Put(Item)?Command$/.test(context.commandName ?? '') &&
          (item?.SK === 'CURRENT' || item?.SK?.S === 'CURRENT')
        ) {
          throw Object.assign(new Error('the process died'), {
            name: 'ProcessDied',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'dieBeforeCurrent' },
    );
    const doomed = await dynalite.createStore({ tableName, client: dying });
    await expect(
      doomed.catalog.applyChanges(
        { upserts: [write('1.1.0')], deletes: [] },
        { syncedAt: '2025-01-02T00:00:00.000Z' },
      ),
    ).rejects.toThrow('the process died');
    expect(
      (await store.catalog.getItem('alpha'))?.definition.spec.version,
    ).toBe('1.0.0');

    const result = await store.catalog.applyChanges(
      { upserts: [write('2.0.0')], deletes: [] },
      { syncedAt: '2025-01-03T00:00:00.000Z' },
    );
    expect(result.updated.map(i => i.definition.spec.version)).toEqual([
      '2.0.0',
    ]);
    const versions = await store.catalog.listVersions('alpha');
    expect(versions.map(v => [v.version, v.change, v.changedFields])).toEqual([
      ['2.0.0', 'updated', ['spec.version']],
      ['1.1.0', 'updated', ['spec.version']],
      ['1.0.0', 'created', []],
    ]);
    expect(
      (await store.catalog.getItem('alpha'))?.definition.spec.version,
    ).toBe('2.0.0');
    await Promise.all([store.close(), doomed.close()]);
  });
});
