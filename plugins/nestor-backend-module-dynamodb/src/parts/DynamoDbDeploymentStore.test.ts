import { randomBytes } from 'node:crypto';
import { Deployment } from '@nestor/plugin-nestor-common';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import { DynamoDbNestorStore } from '../DynamoDbNestorStore';
import { loseFirstAnswer } from '../__testUtils__/loseAnswer';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';

let dynalite: TestDynalite;
let store: DynamoDbNestorStore;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

beforeEach(async () => {
  store = await dynalite.createStore();
});

afterEach(async () => {
  await store.close();
});

describe('DynamoDbDeploymentStore', () => {
  it('lets exactly one of 50 workers win each version while all of them keep retrying, and never loses an update', async () => {
    const { deployment } = await store.deployments.create(
      createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }),
    );
    const winners = new Map<number, string[]>();
    const refusals: string[] = [];
    // every worker appends its name to the outputs once, re-reading after each conflict
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const worker = `worker-${i}`;
        for (;;) {
          const current = (await store.deployments.get(deployment.id))!;
          const next: Deployment = {
            ...current,
            outputs: { ...current.outputs, [worker]: current.version },
          };
          try {
            const written = await store.deployments.update(
              next,
              current.version,
            );
            winners.set(written.version, [
              ...(winners.get(written.version) ?? []),
              worker,
            ]);
            return;
          } catch (error) {
            refusals.push((error as Error).name);
          }
        }
      }),
    );
    expect([...winners.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect([...winners.values()].every(w => w.length === 1)).toBe(true);
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(['ConflictError']));
    const final = (await store.deployments.get(deployment.id))!;
    expect(final.version).toBe(50);
    // no lost update: every worker's write is in the final state, made from the version before its own
    expect(Object.keys(final.outputs)).toHaveLength(50);
    for (const [version, [worker]] of winners) {
      expect(final.outputs[worker]).toBe(version - 1);
    }
  }, 120_000);

  it('stores a large deployment compressed and reads it back whole', async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${'  key: value-that-repeats\n'.repeat(
      40_000,
    )}`;
    const input = createTestDeployment({
      team: 'team-a',
      environment: 'dev',
      name: 'big',
    });
    input.revisions[0].artifacts = [
      {
        path: 'configmap.yaml',
        content: manifest,
        kind: 'ConfigMap',
        apiVersion: 'v1',
      },
    ];
    expect(manifest.length).toBeGreaterThan(1_000_000);

    const { deployment } = await store.deployments.create(input);
    expect(await store.deployments.get(deployment.id)).toEqual(deployment);
    const updated = await store.deployments.update(
      { ...deployment, phase: 'Rendering' },
      0,
    );
    expect(
      (await store.deployments.list({ phase: 'Rendering', limit: 5 })).items,
    ).toEqual([updated]);
  });

  it('refuses a deployment past the item size limit with an error naming it, and writes nothing', async () => {
    const input = createTestDeployment({
      team: 'team-a',
      environment: 'dev',
      name: 'huge',
    });
    // random bytes do not compress
    input.revisions[0].artifacts = [
      { path: 'blob.txt', content: randomBytes(450 * 1024).toString('base64') },
    ];
    const error = await store.deployments.create(input).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /Deployment team-a\/dev\/huge is too large to store: \d+ KB after compression, over DynamoDB's item limit of 400 KB/,
    );
    expect(await store.deployments.getByRef('team-a/dev/huge')).toBeUndefined();
    // the ref was not taken by the refused write
    const small = createTestDeployment({
      team: 'team-a',
      environment: 'dev',
      name: 'huge',
    });
    expect((await store.deployments.create(small)).created).toBe(true);
  });

  it('answers a retried update whose first attempt landed with success, not a conflict', async () => {
    // DynamoDB applies the first UpdateItem, but its answer is lost (the SDK sees a timeout) and the call is retried
    const client = dynalite.client();
    const lost = loseFirstAnswer(
      client,
      request =>
        request.operation === 'UpdateItem' &&
        Boolean(request.attribute('PK')?.startsWith('DEP#')) &&
        Boolean(request.input.UpdateExpression?.startsWith('SET #a0')),
    );
    const flaky = await dynalite.createStore({
      client,
      retry: { baseDelayMs: 1 },
    });
    const { deployment } = await flaky.deployments.create(
      createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }),
    );

    const written = await flaky.deployments.update(
      { ...deployment, phase: 'Rendering' },
      0,
    );
    expect(lost()).toBe(1);
    expect(written.version).toBe(1);
    expect((await flaky.deployments.get(deployment.id))?.phase).toBe(
      'Rendering',
    );
    expect(flaky.metrics.snapshot().retries.UpdateItem).toBe(1);
    // a genuinely stale writer still gets its conflict
    await expect(
      flaky.deployments.update({ ...deployment, phase: 'Failed' }, 0),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await flaky.close();
  });

  it('pages deployments of several teams in creation order with a keyset cursor', async () => {
    for (let i = 0; i < 12; i++) {
      await store.deployments.create(
        createTestDeployment({
          team: `team-${i % 3}`,
          environment: 'dev',
          name: `d${i}`,
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.deployments.list({
        teams: ['team-0', 'team-2'],
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map(d => d.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['d0', 'd2', 'd3', 'd5', 'd6', 'd8', 'd9', 'd11']);
  });
});
