/*
 * `nestor:deploy`'s handler against the real Nestor backend (the `test`
 * engine applies nothing and reports Ready; a name starting with `fail-`
 * makes it fail). The context is built as the scaffolder's workflow runner
 * builds it, with checkpoints kept in a map so a retried task can be played.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { deploymentEntityOf } from '../__testUtils__/deploymentEntityOf';
import {
  CheckpointStore,
  createActionContext,
} from '../__testUtils__/createActionContext';
import { startNestorBackend, USERS } from '../__testUtils__/startNestorBackend';
import { createDeployAction } from './deploy';

jest.setTimeout(90_000);

const pickedVpc = deploymentEntityOf(
  'team-platform/dev/main-vpc',
  'network.vpc',
);
const notADeployment: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'some-bucket', namespace: 'default' },
  spec: { type: 's3-bucket', owner: 'group:default/team-payments' },
};

describe('nestor:deploy', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    // the platform team's VPCs that databases go into
    nestor = await startNestorBackend({
      entities: [pickedVpc, notADeployment],
      vpcs: ['dev', 'staging'],
    });
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  // payments may run 4 PostgreSQL databases in dev: the tests that wait use staging
  const database = (
    name: string,
    extra: JsonObject = {},
    environment = 'dev',
  ): JsonObject => ({
    team: 'team-payments',
    environment,
    name,
    resource: 'postgres-database',
    version: '^1.4.0',
    parameters: { size: 'small' },
    dependsOn: [`team-platform/${environment}/main-vpc`],
    ...extra,
  });

  const run = async (
    input: JsonObject,
    options: {
      user?: string;
      taskId?: string;
      checkpoints?: CheckpointStore;
      signal?: AbortSignal;
    } = {},
  ) => {
    const action = createDeployAction({
      clients: nestor.clients,
      catalog: nestor.catalog,
    });
    const context = createActionContext({
      input,
      credentials: mockCredentials.user(options.user ?? USERS.bob),
      taskId: options.taskId,
      stepId: 'database',
      checkpoints: options.checkpoints,
      signal: options.signal,
    });
    await action.handler(context.ctx as any);
    return context;
  };

  it("orders with the initiator's credentials and outputs the deployment", async () => {
    const { outputs, logs } = await run(database('orders-db'));
    expect(outputs).toEqual({
      deploymentId: expect.any(String),
      ref: 'team-payments/dev/orders-db',
      url: `http://localhost:3000/nestor/deployments/${outputs.deploymentId}`,
      phase: 'Pending',
      outputs: {},
    });
    const deployment = await nestor
      .as(USERS.bob)
      .getDeployment(outputs.deploymentId as string);
    expect(deployment).toMatchObject({
      ref: 'team-payments/dev/orders-db',
      requestedBy: USERS.bob,
      dependsOn: ['team-platform/dev/main-vpc'],
      parameters: expect.objectContaining({ size: 'small' }),
    });
    expect(logs[0]).toMatch(
      /^info: Nestor accepted team-payments\/dev\/orders-db \(deployment .+, Pending\): http:\/\/localhost:3000\/nestor\/deployments\//,
    );
  });

  it("orders once across task retries: the checkpoint, then Nestor's idempotency key", async () => {
    const checkpoints: CheckpointStore = new Map();
    const first = await run(database('retried-db'), {
      taskId: 'task-retry',
      checkpoints,
    });
    // the task retried with its state: the checkpoint answers, nothing is sent
    const second = await run(database('retried-db'), {
      taskId: 'task-retry',
      checkpoints,
    });
    // the task died before its checkpoint was saved: Nestor answers the same deployment
    const third = await run(database('retried-db'), {
      taskId: 'task-retry',
      checkpoints: new Map(),
    });
    expect(second.outputs.deploymentId).toBe(first.outputs.deploymentId);
    expect(third.outputs.deploymentId).toBe(first.outputs.deploymentId);
    expect([...checkpoints.keys()]).toEqual([
      'nestor.deploy.team-payments/dev/retried-db',
    ]);
    const all = await nestor
      .as(USERS.bob)
      .listDeployments({ team: 'team-payments', environment: 'dev' });
    expect(all.items.filter(d => d.name === 'retried-db')).toHaveLength(1);
  });

  it('waits until Ready, logging each phase, and outputs what the engine reported', async () => {
    const { outputs, logs } = await run(
      database('waited-db', { wait: true }, 'staging'),
    );
    expect(outputs).toMatchObject({
      ref: 'team-payments/staging/waited-db',
      phase: 'Ready',
      outputs: { host: 'waited-db.team-payments-staging.svc', port: 5432 },
    });
    const phases = logs
      .filter(l => l.startsWith('info: team-payments/staging/waited-db: '))
      .map(l => l.split(': ')[2].split(' ')[0]);
    expect(phases[0]).toBe('Pending');
    expect(phases[phases.length - 1]).toBe('Ready');
    expect(new Set(phases).size).toBe(phases.length);
  });

  it("fails the step with Nestor's reason when the deployment fails", async () => {
    await expect(
      run(database('fail-db', { wait: true }, 'staging')),
    ).rejects.toThrow(
      'Deployment team-payments/staging/fail-db ended Failed: the test engine was told to fail\n' +
        '  - Ready: the test engine was told to fail',
    );
  });

  it("fails naming the field when a parameter does not fit the item's schema", async () => {
    const error = await run(
      database('bad-db', { parameters: { size: 'huge', storageGb: 5 } }),
    ).catch(e => e);
    expect(error.message).toMatch(
      /^Nestor refused to order team-payments\/dev\/bad-db \(400 InputError\)/,
    );
    expect(error.message).toMatch(/\n {2}- parameters\.size: /);
    expect(error.message).toMatch(/\n {2}- parameters\.storageGb: /);
  });

  it('takes a dependency picked in the catalog as the deployment it stands for', async () => {
    const { outputs } = await run(
      database('picked-db', {
        dependsOn: [['resource:default/team-platform.dev.main-vpc'], []],
      }),
    );
    const deployment = await nestor
      .as(USERS.bob)
      .getDeployment(outputs.deploymentId as string);
    expect(deployment.dependsOn).toEqual(['team-platform/dev/main-vpc']);
  });

  it('refuses entities that are not deployments, naming each, before ordering anything', async () => {
    await expect(
      run(
        database('wrong-deps-db', {
          dependsOn: [
            'resource:default/some-bucket',
            'resource:default/nowhere',
            'resource:',
          ],
        }),
      ),
    ).rejects.toThrow(
      'dependsOn: resource:default/some-bucket is not a Nestor deployment (it has no nestor.io/deployment-ref annotation); ' +
        'resource:default/nowhere is not in the catalog (or not visible to you); ' +
        '"resource:" is neither a deployment ref <team>/<environment>/<name> nor a catalog entity ref',
    );
    const all = await nestor
      .as(USERS.bob)
      .listDeployments({ team: 'team-payments', environment: 'dev' });
    expect(all.items.some(d => d.name === 'wrong-deps-db')).toBe(false);
  });

  it('stops waiting when the task is cancelled; the deployment goes on in Nestor', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      run(database('cancelled-db', { wait: true }, 'staging'), {
        signal: controller.signal,
      }),
    ).rejects.toThrow(
      'Stopped waiting for team-payments/staging/cancelled-db: the task was cancelled',
    );
  });
});
