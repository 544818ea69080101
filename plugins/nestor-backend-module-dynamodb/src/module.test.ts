/*
 * The module in a real Nestor backend: the nestor plugin (with the Crossplane
 * engine module) started by startTestBackend with `nestor.storage.type:
 * dynamodb`, on dynalite in this process, serving the repository's
 * `examples/` folder, as `npm start` with app-config.dynamodb.yaml does. The
 * requests go through HTTP; what they leave behind is read back from the
 * table by a second store (another replica's view).
 */
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module is tested inside the real plugin
import nestorPlugin from '@nestor/plugin-nestor-backend';
import nestorModuleCrossplane from '@nestor/plugin-nestor-backend-module-crossplane';
import { Deployment } from '@nestor/plugin-nestor-common';
import { ownershipUserInfoServiceFactory } from '@nestor/test-utils';
import request from 'supertest';
import { DynamoDbNestorStore } from './DynamoDbNestorStore';
import nestorModuleDynamoDbStore from './index';
import { startDynalite, TestDynalite } from './__testUtils__/startDynalite';

jest.setTimeout(120_000);

const JANE = 'user:default/jane';
const JANE_TOKEN = mockCredentials.user.token(JANE);
const examples = path.resolve(__dirname, '../../../examples');

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('nestorModuleDynamoDbStore in the Nestor backend', () => {
  let dynalite: TestDynalite;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let replica: DynamoDbNestorStore;
  const tableName = 'nestor-module-test';

  beforeAll(async () => {
    dynalite = await startDynalite();
    backend = await startTestBackend({
      features: [
        nestorPlugin,
        nestorModuleCrossplane,
        nestorModuleDynamoDbStore,
        mockServices.permissions.factory(),
        ownershipUserInfoServiceFactory({
          [JANE]: [JANE, 'group:default/team-payments'],
        }),
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            // static keys for the local endpoint, through Backstage's AWS config
            aws: {
              mainAccount: {
                accessKeyId: 'dynalite-access-key',
                secretAccessKey: 'dynalite-secret-key',
              },
            },
            nestor: {
              storage: {
                type: 'dynamodb',
                dynamodb: {
                  tableName,
                  region: 'local',
                  endpoint: dynalite.endpoint,
                  createTable: true,
                },
              },
              sources: [{ id: 'examples', path: examples }],
              sync: {
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
              },
              coordinator: {
                pollIntervalMs: 50,
                backoffMs: 50,
                maxAttempts: 1,
              },
            },
          },
        }),
      ],
    });
    replica = await DynamoDbNestorStore.create({
      client: dynalite.client(),
      tableName,
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await replica?.close();
    await dynalite?.stop();
  });

  it('creates its table, reports the store ready and syncs the examples into it', async () => {
    const ready = await request(backend.server).get('/api/nestor/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.store).toMatchObject({ status: 'ok' });

    const vpc = await waitFor('the network-vpc item', async () => {
      const res = await request(backend.server)
        .get('/api/nestor/catalog/network-vpc')
        .set('Authorization', `Bearer ${JANE_TOKEN}`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(vpc.definition.spec).toMatchObject({
      type: 'network.vpc',
      engine: 'crossplane',
    });
    expect((await replica.catalog.getItem('network-vpc'))?.definition).toEqual(
      vpc.definition,
    );
    expect((await replica.teams.listTeams()).map(t => t.id)).toEqual([
      'team-checkout',
      'team-data',
      'team-payments',
      'team-platform',
    ]);
    expect(await replica.sources.getSourceStatus('examples')).toMatchObject({
      id: 'examples',
      status: expect.stringMatching(/ok|partial/),
    });
    expect(
      (await replica.policies.listPolicySets()).map(s => s.sourceId),
    ).toEqual(['examples']);
    // the sync's catalog events are in the table's log
    const logged = await replica.events.readAfter({
      afterId: 0,
      limit: 1000,
      types: ['catalog.updated'],
    });
    expect(logged.map(e => e.ref)).toContain('network-vpc');
  });

  it('takes an order through POST /deploy and keeps the deployment, its quota and its events in DynamoDB', async () => {
    const order = () =>
      request(backend.server)
        .post('/api/nestor/deploy')
        .set('Authorization', `Bearer ${JANE_TOKEN}`)
        .set('Idempotency-Key', 'vpc-1')
        .send({
          team: 'team-payments',
          environment: 'dev',
          name: 'main-vpc',
          resource: 'network-vpc',
          version: '^1.2.0',
          parameters: { region: 'eu-west-1', cidrBlock: '10.0.0.0/16' },
        });
    const accepted = await order();
    expect(accepted.status).toBe(202);
    const created = accepted.body as Deployment;
    expect(created.ref).toBe('team-payments/dev/main-vpc');

    // the same key and body answer the same deployment, from the idempotency record in the table
    const again = await order();
    expect(again.body.id).toBe(created.id);

    // the coordinator moves it on (optimistic updates, leases); the GitOps repo of the example team is not reachable here
    const moved = await waitFor(
      'the coordinator to move the deployment',
      async () => {
        const stored = await replica.deployments.get(created.id);
        return stored && stored.version > 0 ? stored : undefined;
      },
    );
    expect(moved.history.length).toBeGreaterThan(1);
    const viaApi = await request(backend.server)
      .get(`/api/nestor/deployments/${created.id}`)
      .set('Authorization', `Bearer ${JANE_TOKEN}`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.ref).toBe('team-payments/dev/main-vpc');
    expect(
      (await replica.deployments.getByRef('team-payments/dev/main-vpc'))?.id,
    ).toBe(created.id);

    const usage = await replica.teams.getQuotaUsage('team-payments');
    expect(
      usage.find(r => r.environment === 'dev' && r.scope === '*')?.deployments,
    ).toBe(1);

    const events = await replica.events.readAfter({
      afterId: 0,
      limit: 1000,
      teams: ['team-payments'],
      types: ['deployment.created', 'deployment.phase'],
    });
    expect(
      events
        .filter(e => e.ref === 'team-payments/dev/main-vpc')
        .map(e => e.type),
    ).toContain('deployment.created');
    const ids = (
      await replica.events.readAfter({ afterId: 0, limit: 1000 })
    ).map(e => e.id);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  });
});
