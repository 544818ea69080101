/*
 * The audit trail of the real plugin (startTestBackend, store on SQLite, a
 * test engine, a Cedar policy in the store): every write the API takes (a
 * deploy, a deploy a policy refuses, a rollback, a cancel, a catalog sync, a
 * webhook, an Argo CD sync) becomes one event on `coreServices.auditor`,
 * with its outcome, the request id and, for a refusal, the check and the
 * policy that refused. Reads are not audited.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { teamConfigSchema } from '@nestor/plugin-nestor-common';
import { ownershipUserInfoServiceFactory, knexDatabaseServiceFactory } from '@nestor/test-utils';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import { testEngineModule } from '../services/deployments/__testUtils__/testEngineModule';
import { testDefinition } from '../services/deployments/__testUtils__/startDeploymentHarness';
import { DatabaseNestorStore } from '../stores/database/DatabaseNestorStore';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice');
const order = {
  team: 'team-a',
  environment: 'dev',
  name: 'orders-cache',
  resource: 'cache',
  version: '^1.0.0',
  parameters: { size: 'small' },
};

type AuditRecord = {
  eventId: string;
  outcome: 'success' | 'fail';
  meta?: Record<string, unknown>;
  createdWith: Record<string, unknown>;
};

describe('the audit trail', () => {
  const audited: AuditRecord[] = [];
  let server: Parameters<typeof request>[0];
  let stopBackend: (() => Promise<void>) | undefined;
  let workDir: string;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-audit-'));
    fs.mkdirSync(path.join(workDir, 'buffet'));
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseNestorStore.create({
      database: { getClient: async () => knex },
    });
    await store.catalog.applyChanges(
      {
        upserts: [
          {
            definition: testDefinition(),
            source: {
              id: 'platform',
              url: 'https://git.example.com/p.git',
              path: 'cache.yaml',
              commit: 'c1',
            },
          },
        ],
        deletes: [],
      },
      {},
    );
    await store.teams.putTeams([
      {
        id: 'team-a',
        config: teamConfigSchema.parse({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: 'team-a' },
          spec: {
            environments: ['dev'],
            gitops: { repo: 'https://git.example.com/infra.git' },
          },
        }),
        source: { id: 'platform', path: 'teams.yaml', commit: 'c1' },
        updatedAt: new Date().toISOString(),
      },
    ]);
    await store.policies.putPolicySet('platform', {
      commit: 'c1',
      policies: [
        {
          scope: 'global',
          path: 'policies/sizes.cedar',
          text: '@id("no-large-caches")\n@message("large caches need a review")\nforbid(principal, action == Nestor::Action::"deploy", resource) when { resource.parameters has size && resource.parameters.size == "large" };',
        },
      ],
    });

    const auditor = mockServices.auditor.mock();
    auditor.createEvent.mockImplementation(async options => {
      const record = {
        eventId: options.eventId,
        createdWith: { ...(options.meta ?? {}) },
      };
      return {
        success: async (o?: { meta?: Record<string, unknown> }) =>
          void audited.push({ ...record, outcome: 'success', meta: o?.meta }),
        fail: async (o: { meta?: Record<string, unknown>; error: Error }) =>
          void audited.push({ ...record, outcome: 'fail', meta: o.meta }),
      };
    });
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        testEngineModule(),
        auditor.factory,
        mockServices.permissions.factory(),
        ownershipUserInfoServiceFactory({
          'user:default/alice': ['user:default/alice', 'group:default/team-a'],
        }),
        catalogServiceMock.factory(),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              coordinator: { enabled: false },
              sources: [{ id: 'local', path: path.join(workDir, 'buffet') }],
            },
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const post = (url: string, id: string) =>
    request(server)
      .post(`/api/nestor${url}`)
      .set('Authorization', ALICE)
      .set('x-request-id', id);

  it('records every write with its outcome and request id, and the check and policy of a refusal', async () => {
    const deployed = await post('/deploy', 'req-deploy').send(order);
    expect(deployed.status).toBe(202);
    const refused = await post('/deploy', 'req-refused').send({
      ...order,
      name: 'big-cache',
      parameters: { size: 'large' },
    });
    expect(refused.status).toBe(403);
    // a read is not a write
    expect(
      (
        await request(server)
          .get('/api/nestor/deployments')
          .set('Authorization', ALICE)
      ).status,
    ).toBe(200);
    // nothing to roll back to yet: audited as a failure, not a refusal
    expect(
      (
        await post(
          `/deployments/${deployed.body.id}/rollback`,
          'req-rollback',
        ).send({})
      ).status,
    ).toBe(409);
    expect(
      (
        await request(server)
          .delete(`/api/nestor/deployments/${deployed.body.id}`)
          .set('Authorization', ALICE)
          .set('x-request-id', 'req-cancel')
      ).status,
    ).toBe(202);
    expect(
      (await post('/catalog/sources/local/sync', 'req-sync').send()).status,
    ).toBe(202);
    // no webhook secret for a local source: the webhook is refused
    expect(
      (await post('/webhooks/git/local', 'req-webhook').send({})).status,
    ).toBe(401);
    // no Argo CD configured here
    expect((await post('/gitops/sync', 'req-argocd').send({})).status).toBe(
      400,
    );

    await new Promise(r => setImmediate(r));
    const summary = audited.map(a => ({
      eventId: a.eventId,
      outcome: a.outcome,
      requestId: a.createdWith.requestId,
      status: a.meta?.status,
      refusal: a.meta?.refusal,
    }));
    expect(summary).toEqual([
      {
        eventId: 'deploy',
        outcome: 'success',
        requestId: 'req-deploy',
        status: 202,
        refusal: undefined,
      },
      {
        eventId: 'deploy',
        outcome: 'fail',
        requestId: 'req-refused',
        status: 403,
        refusal: true,
      },
      {
        eventId: 'deployment-rollback',
        outcome: 'fail',
        requestId: 'req-rollback',
        status: 409,
        refusal: false,
      },
      {
        eventId: 'deployment-cancel',
        outcome: 'success',
        requestId: 'req-cancel',
        status: 202,
        refusal: undefined,
      },
      {
        eventId: 'catalog-sync',
        outcome: 'success',
        requestId: 'req-sync',
        status: 202,
        refusal: undefined,
      },
      {
        eventId: 'catalog-sync',
        outcome: 'fail',
        requestId: 'req-webhook',
        status: 401,
        refusal: false,
      },
      {
        eventId: 'gitops-sync',
        outcome: 'fail',
        requestId: 'req-argocd',
        status: 400,
        refusal: false,
      },
    ]);
    expect(audited[1].meta).toEqual({
      status: 403,
      refusal: true,
      check: 'policy',
      reasons: ['no-large-caches'],
    });
    expect(audited[0].createdWith.path).toBe('/deploy');
  });
});
