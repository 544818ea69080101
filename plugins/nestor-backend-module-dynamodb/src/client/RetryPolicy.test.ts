import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';
import { DynamoDbStoreMetrics } from './DynamoDbStoreMetrics';
import { RetryPolicy } from './RetryPolicy';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

/** A client that answers the next `count` requests of the given operations as DynamoDB does when throttling. */
function throttlingClient(
  count: { left: number },
  operations: RegExp,
  name: 'ProvisionedThroughputExceededException' | 'ThrottlingException',
) {
  const client = dynalite.client();
  client.middlewareStack.add(
    (next, context) => async args => {
      if (count.left > 0 && operations.test(context.commandName ?? '')) {
        count.left -= 1;
        if (name === 'ProvisionedThroughputExceededException') {
          throw new ProvisionedThroughputExceededException({
            message:
              'The level of configured provisioned throughput for the table was exceeded',
            $metadata: { httpStatusCode: 400 },
          });
        }
        throw Object.assign(
          new Error('Rate of requests exceeds the allowed throughput'),
          { name, $metadata: { httpStatusCode: 400 } },
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'throttle' },
  );
  return client;
}

describe('RetryPolicy', () => {
  it('backs off with full jitter under a growing, capped ceiling', () => {
    const policy = RetryPolicy.create({
      retry: { baseDelayMs: 10, maxDelayMs: 100 },
      metrics: DynamoDbStoreMetrics.create(),
    });
    const samples = (attempt: number) =>
      Array.from({ length: 200 }, () => policy.delayFor(attempt));
    expect(Math.max(...samples(1))).toBeLessThanOrEqual(10);
    expect(Math.max(...samples(3))).toBeLessThanOrEqual(40);
    expect(Math.max(...samples(3))).toBeGreaterThan(10);
    expect(Math.max(...samples(20))).toBeLessThanOrEqual(100);
    // jitter: not every wait is the ceiling
    expect(new Set(samples(4).map(Math.round)).size).toBeGreaterThan(10);
  });

  it('rides out ProvisionedThroughputExceededException and ThrottlingException and counts them', async () => {
    const tableName = dynalite.uniqueTableName();
    await (await dynalite.createStore({ tableName })).close();
    const left = { left: 3 };
    const store = await dynalite.createStore({
      tableName,
      client: throttlingClient(
        left,
        /^(PutItem|UpdateItem)Command$/,
        'ProvisionedThroughputExceededException',
      ),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    const { deployment } = await store.deployments.create(
      createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }),
    );
    expect(left.left).toBe(0);
    expect(await store.deployments.get(deployment.id)).toEqual(deployment);

    const queryThrottle = { left: 2 };
    const queried = await dynalite.createStore({
      tableName,
      client: throttlingClient(
        queryThrottle,
        /^QueryCommand$/,
        'ThrottlingException',
      ),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    expect(
      (await queried.deployments.list({ limit: 10 })).items.map(d => d.id),
    ).toEqual([deployment.id]);

    const counts = store.metrics.snapshot();
    const throttles = Object.values(counts.throttles).reduce(
      (a, b) => a + b,
      0,
    );
    expect(throttles).toBe(3);
    expect(Object.values(counts.retries).reduce((a, b) => a + b, 0)).toBe(3);
    expect(counts.failures).toEqual({});
    expect(queried.metrics.snapshot().throttles).toEqual({ Query: 2 });
    await Promise.all([store.close(), queried.close()]);
  });

  it('gives up after the last attempt with the throttling error', async () => {
    const tableName = dynalite.uniqueTableName();
    await (await dynalite.createStore({ tableName })).close();
    const throttled = { left: 1000 };
    const error = await dynalite
      .createStore({
        tableName,
        client: throttlingClient(
          throttled,
          /^GetItemCommand$/,
          'ThrottlingException',
        ),
        retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
      })
      .catch(e => e);
    // start-up reads the schema version with GetItem: four attempts, then the cause
    expect(error.name).toBe('ThrottlingException');
    expect(1000 - throttled.left).toBe(4);
  });

  it('retries the unprocessed items of a batch and gives up on items left after the last round', async () => {
    const metrics = DynamoDbStoreMetrics.create();
    const policy = RetryPolicy.create({
      retry: { maxAttempts: 3, baseDelayMs: 1 },
      metrics,
    });
    const rounds: number[][] = [];
    await policy.drain('BatchWriteItem', [1, 2, 3, 4], async items => {
      rounds.push(items);
      return items.slice(2);
    });
    expect(rounds).toEqual([
      [1, 2, 3, 4],
      [3, 4],
    ]);
    expect(metrics.snapshot().throttles).toEqual({ BatchWriteItem: 1 });
    const stuck = await policy
      .drain('BatchGetItem', [1], async items => items)
      .catch(e => e);
    expect(stuck.name).toBe('ThrottlingException');
    expect(stuck.message).toBe(
      'DynamoDB left 1 item(s) of a BatchGetItem unprocessed after 3 attempts',
    );
    expect(metrics.snapshot().failures).toEqual({ BatchGetItem: 1 });
  });

  it('reports throttles, retries and failures to the metrics service', async () => {
    const added: Array<[string, number, Record<string, unknown> | undefined]> =
      [];
    const metricsService = {
      createCounter: (name: string) => ({
        add: (value: number, attributes?: Record<string, unknown>) =>
          added.push([name, value, attributes]),
      }),
      createHistogram: () => ({ record: () => undefined }),
    };
    const metrics = DynamoDbStoreMetrics.create({
      metrics: metricsService as any,
    });
    const policy = RetryPolicy.create({
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      metrics,
    });
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(
        Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
      );
    };
    await expect(policy.run('Query', failing)).rejects.toThrow('slow down');
    expect(calls).toBe(2);
    expect(
      added.filter(([name]) => name !== 'nestor.store.dynamodb.requests'),
    ).toEqual([
      [
        'nestor.store.dynamodb.throttles',
        1,
        { operation: 'Query', reason: 'ThrottlingException' },
      ],
      [
        'nestor.store.dynamodb.retries',
        1,
        { operation: 'Query', reason: 'ThrottlingException' },
      ],
      [
        'nestor.store.dynamodb.throttles',
        1,
        { operation: 'Query', reason: 'ThrottlingException' },
      ],
      [
        'nestor.store.dynamodb.failures',
        1,
        { operation: 'Query', reason: 'ThrottlingException' },
      ],
    ]);
    // a conditional check failure is an answer, not retried
    const conditional = Object.assign(
      new Error('The conditional request failed'),
      { name: 'ConditionalCheckFailedException' },
    );
    calls = 0;
    await expect(
      policy.run('PutItem', () => {
        calls += 1;
        return Promise.reject(conditional);
      }),
    ).rejects.toBe(conditional);
    expect(calls).toBe(1);
  });
});
