/*
 * The /gitops routes through the real plugin in startTestBackend, on a real
 * database, delivering to a real Git repository served by `git http-backend`.
 * Argo CD cannot run here: its in-process test server answers, and every
 * answer is checked against Argo CD's swagger.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Deployment, NestorEvent, teamConfigSchema } from '@nestor/plugin-nestor-common';
import { ArgoCdSwaggerValidator, ArgoCdTestServer, findUpstreamDir, GitHttpServer, GitWorkTree, ownershipUserInfoServiceFactory, knexDatabaseServiceFactory } from '@nestor/test-utils';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import { testEngineModule } from '../services/deployments/__testUtils__/testEngineModule';
import { testDefinition } from '../services/deployments/__testUtils__/startDeploymentHarness';
import { DatabaseNestorStore } from '../stores/database/DatabaseNestorStore';

jest.setTimeout(90_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const upstream = findUpstreamDir();
const describeWithSwagger = upstream ? describe : describe.skip;
if (!upstream) console.warn('Skipping the /gitops API test: ../shared/upstream (Argo CD swagger) is absent');

const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');
const OWNERSHIP = {
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
};

describeWithSwagger('gitops API', () => {
  let server: http.Server;
  let store: DatabaseNestorStore;
  let git: GitHttpServer;
  let argo: ArgoCdTestServer;
  let stopBackend: () => Promise<void>;
  let workDir: string;
  let repoA: string;
  const invalid: string[] = [];

  const get = (url: string, auth = ALICE) => request(server).get(`/api/nestor${url}`).set('Authorization', auth);
  const post = (url: string, auth = ALICE) => request(server).post(`/api/nestor${url}`).set('Authorization', auth);
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 50));
    }
  };
  const phase = (id: string, wanted: string) => waitFor(wanted, async () => {
    const d = await store.deployments.get(id);
    return d?.phase === wanted ? d : undefined;
  });

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-gitops-api-'));
    git = await GitHttpServer.start();
    repoA = await git.createRepo('acme/infra-a');
    const repoB = await git.createRepo('acme/infra-b');
    argo = await ArgoCdTestServer.start({ token: 'argo-token' });
    const validator = ArgoCdSwaggerValidator.fromUpstream(upstream!);
    argo.onResponse = (definition, body) => invalid.push(...validator.errors(definition, body).map(e => `${definition}: ${e}`));
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    await store.catalog.applyChanges(
      { upserts: [{ definition: testDefinition(), source: { id: 'platform', url: 'https://git.example.com/p.git', path: 'cache.yaml', commit: 'c0ffee' } }], deletes: [] },
      {},
    );
    await store.teams.putTeams(
      [
        ['team-a', repoA],
        ['team-b', repoB],
      ].map(([id, repo]) => ({
        id,
        config: teamConfigSchema.parse({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: id },
          spec: { environments: ['dev', 'prod'], gitops: { repo, branch: 'main', path: 'nestor' } },
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
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              coordinator: { pollIntervalMs: 50, statusPollMs: 50, backoffMs: 20 },
              argocd: { instances: [{ name: 'main', url: argo.url, token: 'argo-token' }] },
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
    await argo?.stop();
    await git?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    // every Argo CD answer of the run matched the swagger spec
    // eslint-disable-next-line jest/no-standalone-expect
    expect(invalid).toEqual([]);
  });

  it('shows repos, apps and commits of the caller\'s teams only; syncs per team or app with permission; 400s and 404s', async () => {
    const deployed = await post('/deploy').send({ team: 'team-a', environment: 'dev', name: 'orders-cache', resource: 'cache', parameters: { size: 'small' } });
    expect(deployed.status).toBe(202);
    const syncing = await phase(deployed.body.id, 'Syncing');
    // the app exists and Nestor asked for a sync: the "controller" reports it done
    await waitFor('the sync request', async () => argo.requests.find(r => r.path === '/api/v1/applications/nestor-team-a-dev/sync'));
    argo.setStatus('nestor-team-a-dev', { sync: 'Synced', health: 'Healthy', revision: syncing.revisions[0].delivery!.commit });
    const ready: Deployment = await phase(deployed.body.id, 'Ready');
    const delivery = ready.revisions[0].delivery!;

    // the commit is really on the branch: a clone of the repository sees it
    const tree = await GitWorkTree.create(repoA);
    await tree.git('fetch', '--quiet', 'origin', 'main');
    const head = (await tree.git('rev-parse', 'FETCH_HEAD')).trim();
    await tree.remove();
    expect(delivery.commit).toBe(head);

    const status = await get('/gitops/status');
    expect(status.status).toBe(200);
    expect(status.body.repos).toEqual([{ repo: repoA, branch: 'main', teams: ['team-a'], strategies: ['direct'], lastCommit: { sha: head }, pendingPullRequests: [] }]);
    expect(status.body.apps).toEqual([
      { name: 'nestor-team-a-dev', instance: 'main', team: 'team-a', environment: 'dev', exists: true, sync: 'Synced', health: 'Healthy', revision: head },
      { name: 'nestor-team-a-prod', instance: 'main', team: 'team-a', environment: 'prod', exists: false, sync: null, health: null, revision: null },
    ]);
    // Bob reads team-b only: its repository has no commit yet, no app exists
    const bobStatus = await get('/gitops/status', BOB);
    expect(bobStatus.body.repos).toEqual([expect.objectContaining({ teams: ['team-b'], lastCommit: null })]);
    expect(bobStatus.body.apps.map((a: { name: string }) => a.name)).toEqual(['nestor-team-b-dev', 'nestor-team-b-prod']);

    const history = await get('/gitops/history');
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      {
        ref: 'team-a/dev/orders-cache',
        team: 'team-a',
        environment: 'dev',
        deploymentId: deployed.body.id,
        revision: 1,
        repo: repoA,
        branch: 'main',
        path: 'nestor/dev/orders-cache',
        commit: head,
        message: expect.stringContaining('Nestor-Ref: team-a/dev/orders-cache'),
        committedAt: expect.any(String),
      },
    ]);
    expect((await get('/gitops/history?ref=team-a/dev/orders-cache')).body.items).toHaveLength(1);
    expect((await get('/gitops/history?ref=team-a/dev/other')).body.items).toEqual([]);
    expect((await get('/gitops/history', BOB)).body.items).toEqual([]);
    const badQuery = await get('/gitops/history?ref=nope&limit=0');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.reasons.map((r: { field: string }) => r.field).sort()).toEqual(['limit', 'ref']);
    expect((await get('/gitops/history?team=team-b&ref=team-a/dev/orders-cache')).status).toBe(400);
    expect((await get('/gitops/status?x=1')).status).toBe(400);

    const syncsBefore = argo.requests.filter(r => r.path.endsWith('/sync')).length;
    const synced = await post('/gitops/sync').send({ team: 'team-a' });
    expect(synced.status).toBe(202);
    expect(synced.body.items).toEqual([
      expect.objectContaining({ app: 'nestor-team-a-dev', triggered: true }),
      expect.objectContaining({ app: 'nestor-team-a-prod', triggered: false }),
    ]);
    const byApp = await post('/gitops/sync').send({ app: 'nestor-team-a-dev' });
    expect(byApp.status).toBe(202);
    expect(argo.requests.filter(r => r.path.endsWith('/sync')).length).toBe(syncsBefore + 2);
    const events: NestorEvent[] = await store.events.readAfter({ afterId: 0, limit: 1000 });
    expect(events.filter(e => e.type === 'gitops.synced').map(e => e.ref)).toEqual(['nestor-team-a-dev', 'nestor-team-a-dev']);

    // Bob may not sync team-a's apps, nor see that its app exists
    expect((await post('/gitops/sync', BOB).send({ team: 'team-a' })).status).toBe(403);
    expect((await post('/gitops/sync', BOB).send({ app: 'nestor-team-a-dev' })).status).toBe(404);
    expect((await post('/gitops/sync').send({ team: 'team-z' })).status).toBe(404);
    const both = await post('/gitops/sync').send({ team: 'team-a', app: 'nestor-team-a-dev' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('exactly one of');
    expect((await post('/gitops/sync').send({ team: 'Team A' })).status).toBe(400);
    expect(argo.requests.filter(r => r.path.endsWith('/sync')).length).toBe(syncsBefore + 2);
  });
});
