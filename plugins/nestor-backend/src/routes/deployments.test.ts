/*
 * The deployment API through the real plugin in startTestBackend, on a real
 * database, with a test engine registered through the engines extension
 * point. The coordinator is off: these tests are about what the routes
 * accept, refuse and persist (the coordinator has its own tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
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
const BOB = mockCredentials.user.header('user:default/bob');
const OWNERSHIP = {
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
};

const order = { team: 'team-a', environment: 'dev', name: 'orders-cache', resource: 'cache', version: '^1.0.0', parameters: { size: 'small' } };

describe('deployment API', () => {
  let server: http.Server;
  let store: DatabaseNestorStore;
  let stopBackend: () => Promise<void>;
  let workDir: string;

  const post = (url: string, auth = ALICE) => request(server).post(`/api/nestor${url}`).set('Authorization', auth);
  const get = (url: string, auth = ALICE) => request(server).get(`/api/nestor${url}`).set('Authorization', auth);
  const persisted = async () => (await store.deployments.list({ limit: 100 })).items;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-deployments-api-'));
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    await store.catalog.applyChanges(
      { upserts: [{ definition: testDefinition(), source: { id: 'platform', url: 'https://git.example.com/p.git', path: 'cache.yaml', commit: 'c0ffee' } }], deletes: [] },
      {},
    );
    await store.teams.putTeams(
      ['team-a', 'team-b'].map(id => ({
        id,
        config: teamConfigSchema.parse({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: id },
          spec: { environments: ['dev'], gitops: { repo: 'https://git.example.com/infra.git' } },
        }),
        source: { id: 'platform', path: 'teams.yaml', commit: 'c0ffee' },
        updatedAt: new Date().toISOString(),
      })),
    );
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        testEngineModule(),
        mockServices.permissions.factory(),
        ownershipUserInfoServiceFactory(OWNERSHIP),
        catalogServiceMock.factory(),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({ data: { backend: { workingDirectory: workDir }, nestor: { coordinator: { enabled: false } } } }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('needs credentials, and refuses a user who does not act for the team (permission check)', async () => {
    const anonymous = await request(server).post('/api/nestor/deploy').set('Authorization', mockCredentials.none.header()).send(order);
    expect(anonymous.status).toBe(401);
    const stranger = await request(server).post('/api/nestor/deploy').set('Authorization', mockCredentials.user.header('user:default/mallory')).send(order);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toMatchObject({ name: 'NotAllowedError', check: 'permission', reasons: [{ code: 'NOT_ALLOWED' }] });
    expect(await persisted()).toEqual([]);
  });

  it('answers 400 for malformed JSON, a body that is not an object, and every invalid field; nothing is persisted', async () => {
    const malformed = await post('/deploy').set('Content-Type', 'application/json').send('{"team": "team-a",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/JSON/);

    const array = await post('/deploy').set('Content-Type', 'application/json').send('[1, 2]');
    expect(array.status).toBe(400);
    expect(array.body.error.message).toContain('must be a JSON object');

    const invalid = await post('/deploy').send({ team: 'Team A', environment: 'dev', resource: 'cache', colour: 'red', parameters: [] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.name).toBe('InputError');
    expect(invalid.body.error.reasons.map((r: { field: string }) => r.field).sort()).toEqual(['(root)', 'name', 'parameters', 'team']);

    const badKey = await post('/deploy').set('Idempotency-Key', 'a key with spaces').send(order);
    expect(badKey.status).toBe(400);
    expect(await persisted()).toEqual([]);
  });

  it('answers 404 for an unknown resource and 400 with every reason for bad parameters or environment', async () => {
    const unknown = await post('/deploy').send({ ...order, resource: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ name: 'NotFoundError', check: 'resource', reasons: [{ code: 'UNKNOWN_RESOURCE', field: 'resource' }] });

    const bad = await post('/deploy').send({ ...order, environment: 'prod', parameters: { size: 'huge', replicas: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.check).toBe('schema');
    expect(bad.body.error.reasons.map((r: { code: string; field: string }) => `${r.code} ${r.field}`).sort()).toEqual([
      'ENVIRONMENT_NOT_ENABLED environment',
      'INVALID_PARAMETER parameters.replicas',
      'INVALID_PARAMETER parameters.size',
    ]);
    expect(await persisted()).toEqual([]);
  });

  it('accepts a deployment (202), replays it for the same Idempotency-Key, and shows it only to its team', async () => {
    const first = await post('/deploy').set('Idempotency-Key', 'k-1').set('x-request-id', 'req-deploy-1').send(order);
    expect(first.status).toBe(202);
    // the request id is kept on the revision it asked for (the coordinator's logs about it carry it)
    expect(first.body.revisions[0].requestId).toBe('req-deploy-1');
    expect(first.body).toMatchObject({ ref: 'team-a/dev/orders-cache', phase: 'Pending', parameters: { size: 'small', replicas: 1, tier: 'standard' } });
    expect(first.headers.location).toBe(`deployments/${first.body.id}`);

    const replay = await post('/deploy').set('Idempotency-Key', 'k-1').send(order);
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);

    const conflict = await post('/deploy').set('Idempotency-Key', 'k-1').send({ ...order, parameters: { size: 'large' } });
    expect(conflict.status).toBe(409);

    expect((await get(`/deployments/${first.body.id}`)).body.id).toBe(first.body.id);
    expect((await get(`/deployments/${first.body.id}`, BOB)).status).toBe(404);
    expect((await get('/deployments?team=team-a')).body.items.map((d: { id: string }) => d.id)).toEqual([first.body.id]);
    expect((await get('/deployments', BOB)).body.items).toEqual([]);
    expect((await get('/deployments?phase=Nope')).status).toBe(400);

    const rollback = await post(`/deployments/${first.body.id}/rollback`).send({ toRevision: 'one' });
    expect(rollback.status).toBe(400);
    const early = await post(`/deployments/${first.body.id}/rollback`).send({});
    expect(early.status).toBe(409);

    const bobDelete = await request(server).delete(`/api/nestor/deployments/${first.body.id}`).set('Authorization', BOB);
    expect(bobDelete.status).toBe(404);
    const cancelled = await request(server).delete(`/api/nestor/deployments/${first.body.id}`).set('Authorization', ALICE);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.phase).toBe('Cancelled');
  });

  it('answers 20 concurrent identical requests with one Idempotency-Key with one deployment', async () => {
    const body = { ...order, name: 'burst-cache' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => post('/deploy').set('Idempotency-Key', 'burst-1').send(body)));
    expect(responses.map(r => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(responses.map(r => r.body.id)).size).toBe(1);
    expect(responses.filter(r => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect((await persisted()).filter(d => d.ref === 'team-a/dev/burst-cache')).toHaveLength(1);
  });
});
