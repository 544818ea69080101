/*
 * The catalog and webhook API through the real plugin in startTestBackend: a
 * real Git server (`git http-backend` on 127.0.0.1) that the test pushes to,
 * the store on a real database, the real helm engine module (definitions are
 * checked by their engine), Backstage's mock scheduler (which runs the first
 * sync at start-up and triggered syncs inline) and users whose ownership
 * groups decide what they see.
 */
import { promises as fs } from 'node:fs';
import { createHmac } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { nestorCatalogSyncPermission } from '@nestor/plugin-nestor-common';
import helmEngineModule from '@nestor/plugin-nestor-backend-module-helm';
import {
  GitHttpServer,
  GitWorkTree,
  ownershipUserInfoServiceFactory,
  resourceDefinitionYaml as def,
  knexDatabaseServiceFactory,
} from '@nestor/test-utils';
import http from 'node:http';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import { DatabaseNestorStore } from '../stores/database/DatabaseNestorStore';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const SECRET = 'webhook-s3cret';

const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');
const CAROL = mockCredentials.user.header('user:default/carol');
const OWNERSHIP = {
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
  'user:default/carol': ['user:default/carol', 'group:default/team-c'],
};

function githubSignature(body: string) {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('catalog API', () => {
  let git: GitHttpServer;
  let work: GitWorkTree;
  let workDir: string;
  let server: http.Server;
  let store: DatabaseNestorStore;
  let stopBackend: () => Promise<void>;
  let firstCommit: string;

  const get = (url: string, auth: string) => request(server).get(`/api/nestor${url}`).set('Authorization', auth);
  const names = (body: any) => body.items.map((i: any) => i.name);
  const lastCommit = async () => (await get('/catalog/sources', ALICE)).body.items[0].lastCommit;
  const pushAndNotify = async (files: Record<string, string | null>) => {
    const commit = await work.commitAndPush(files);
    const payload = JSON.stringify({ ref: 'refs/heads/main', after: commit });
    const res = await request(server)
      .post('/api/nestor/webhooks/git/platform')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', githubSignature(payload))
      .send(payload);
    expect(res.status).toBe(202);
    await waitFor(lastCommit, c => c === commit, `the sync of ${commit}`);
    return commit;
  };

  beforeAll(async () => {
    git = await GitHttpServer.start();
    work = await GitWorkTree.create(await git.createRepo('buffet'));
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-catalog-api-'));
    firstCommit = await work.commitAndPush({
      'buffet/public-db.yaml': def('public-db', { tags: ['database', 'sql'], description: 'Managed PostgreSQL' }),
      'buffet/a-secret.yaml': def('a-secret', { owner: 'team-a', visibility: ['team-a'], description: 'secret sauce' }),
      'buffet/b-only.yaml': def('b-only', { owner: 'team-b', visibility: ['team-b'], engine: 'helm', tags: ['cache'] }),
      'buffet/shared.yaml': def('shared-ab', { owner: 'team-a', visibility: ['team-b'], type: 'cache.redis', tags: ['cache'] }),
      'buffet/queue.yaml': def('queue', { type: 'messaging.queue', title: 'Message queue' }),
    });

    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            r.permission.name === nestorCatalogSyncPermission.name &&
            (credentials.principal as { userEntityRef?: string }).userEntityRef === 'user:default/bob'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async requests => requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        helmEngineModule,
        permissions.factory,
        ownershipUserInfoServiceFactory(OWNERSHIP),
        catalogServiceMock.factory(),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              sources: [{ id: 'platform', url: git.url('buffet'), branch: 'main', subPath: 'buffet', webhookSecret: SECRET }],
              sync: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } },
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
    await git?.stop();
    await work?.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  describe('reads', () => {
    it('syncs at start-up and lists what each team may see, with totalCount', async () => {
      const alice = await get('/catalog', ALICE);
      expect(alice.status).toBe(200);
      expect(names(alice.body)).toEqual(['a-secret', 'public-db', 'queue', 'shared-ab']);
      expect(alice.body.totalCount).toBe(4);
      const bob = await get('/catalog', BOB);
      expect(names(bob.body)).toEqual(['b-only', 'public-db', 'queue', 'shared-ab']);
      const carol = await get('/catalog', CAROL);
      expect(names(carol.body)).toEqual(['public-db', 'queue']);
      expect(carol.body.totalCount).toBe(2);
    });

    it('serves an item with its source, and answers 404 (not 403) to a team that may not see it', async () => {
      const item = await get('/catalog/a-secret', ALICE);
      expect(item.status).toBe(200);
      expect(item.body).toMatchObject({
        name: 'a-secret',
        definition: { metadata: { owner: 'team-a' } },
        source: { id: 'platform', url: git.url('buffet'), path: 'buffet/a-secret.yaml', commit: firstCommit, line: 1 },
      });
      // the item's JSON text is kept (and gzipped once from 1 kB): a second read answers the same text
      const again = await get('/catalog/a-secret', ALICE);
      expect(again.headers['content-type']).toMatch(/^application\/json/);
      expect(again.text).toBe(item.text);
      expect(again.headers['content-encoding']).toBe(Buffer.byteLength(item.text) >= 1024 ? 'gzip' : undefined);
      const hidden = await get('/catalog/a-secret', BOB);
      const missing = await get('/catalog/no-such-item', BOB);
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(hidden.body.error.name).toBe('NotFoundError');
      expect(hidden.body.error.message).toBe('No catalog item "a-secret"');
      expect(missing.body.error.message).toBe('No catalog item "no-such-item"');
      expect((await get('/catalog/a-secret/versions', BOB)).status).toBe(404);
      expect((await get('/catalog/a-secret?version=1.0.0', BOB)).status).toBe(404);
      expect((await get('/catalog/shared-ab', BOB)).status).toBe(200);
    });

    it('searches over name, title, description and tags, and filters, only within what the caller sees', async () => {
      expect(names((await get('/catalog?q=secret', ALICE)).body)).toEqual(['a-secret']);
      const bobSearch = await get('/catalog?q=secret', BOB);
      expect(bobSearch.body).toEqual({ items: [], totalCount: 0 });
      expect(names((await get('/catalog?q=MESSAGE', CAROL)).body)).toEqual(['queue']);
      expect(names((await get('/catalog?q=postgresql', CAROL)).body)).toEqual(['public-db']);
      expect(names((await get('/catalog?tag=cache', BOB)).body)).toEqual(['b-only', 'shared-ab']);
      expect(names((await get('/catalog?tag=cache', CAROL)).body)).toEqual([]);
      expect(names((await get('/catalog?type=cache.redis', ALICE)).body)).toEqual(['shared-ab']);
      expect(names((await get('/catalog?owner=team-a&engine=helm', ALICE)).body)).toEqual(['a-secret', 'shared-ab']);
      expect((await get('/catalog?owner=team-a', CAROL)).body.totalCount).toBe(0);
    });

    it('pages with a stable cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const res = await get(`/catalog?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, BOB);
        expect(res.body.totalCount).toBe(4);
        seen.push(...names(res.body));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(['b-only', 'public-db', 'queue', 'shared-ab']);
    });

    it('answers 400 naming the field for a bad query, and 401 without credentials', async () => {
      const bad = await get('/catalog?limit=0', ALICE);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ name: 'InputError', message: expect.stringMatching(/limit: /) });
      const unknown = await get('/catalog?colour=red', ALICE);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/colour/);
      expect((await get('/catalog?cursor=garbage', ALICE)).status).toBe(400);
      expect((await get('/catalog/Not_A_Name', ALICE)).status).toBe(400);
      expect((await get('/catalog/public-db?version=latest', ALICE)).status).toBe(400);
      expect((await get('/catalog', mockCredentials.none.header())).status).toBe(401);
      expect((await get('/catalog/sources', mockCredentials.none.header())).status).toBe(401);
    });

    it('reports the sources and a sources readiness check', async () => {
      const sources = await get('/catalog/sources', CAROL);
      expect(sources.body.items).toEqual([
        expect.objectContaining({ id: 'platform', url: git.url('buffet'), branch: 'main', status: 'ok', errors: [], itemCount: 5 }),
      ]);
      const ready = await request(server).get('/api/nestor/health/ready');
      expect(ready.body.checks.sources).toMatchObject({ status: 'ok' });
    });
  });

  describe('sync triggers', () => {
    it('syncs on a signed GitHub webhook: a change, a new item and a deleted file show in the API', async () => {
      const commit = await pushAndNotify({
        'buffet/public-db.yaml': def('public-db', { version: '1.1.0', tags: ['database', 'sql'], description: 'Managed PostgreSQL 16' }),
        'buffet/b-only.yaml': null,
        'buffet/new.yaml': def('brand-new'),
      });
      expect(names((await get('/catalog', BOB)).body)).toEqual(['brand-new', 'public-db', 'queue', 'shared-ab']);
      const item = await get('/catalog/public-db', CAROL);
      expect(item.body.definition.spec.version).toBe('1.1.0');
      expect(item.body.source.commit).toBe(commit);
      const versions = await get('/catalog/public-db/versions', CAROL);
      expect(versions.body.items.map((v: any) => [v.version, v.commit, v.change])).toEqual([
        ['1.1.0', commit, 'updated'],
        ['1.0.0', firstCommit, 'created'],
      ]);
      expect(versions.body.items[0].changedFields).toEqual(expect.arrayContaining(['spec.version', 'metadata.description']));
      const old = await get('/catalog/public-db?version=1.0.0', CAROL);
      expect(old.body.definition.metadata.description).toBe('Managed PostgreSQL');
      expect((await get('/catalog/b-only', BOB)).status).toBe(404);

      const events = await store.events.readAfter({ afterId: 0, limit: 1000 });
      expect(events.filter(e => e.type === 'catalog.removed').map(e => [e.ref, e.team, e.visibleTo])).toEqual([
        ['b-only', 'team-b', ['team-b']],
      ]);
      expect(events.filter(e => e.type === 'catalog.updated').slice(-2).map(e => e.ref).sort()).toEqual(['brand-new', 'public-db']);
    });

    it('follows a force-push announced by a Gitea webhook', async () => {
      await work.resetHard(firstCommit);
      await work.write({ 'buffet/queue.yaml': def('queue', { type: 'messaging.queue', version: '3.0.0' }) });
      const rewritten = await work.commit('rewrite');
      await work.push({ force: true });
      const payload = JSON.stringify({ ref: 'refs/heads/main', after: rewritten });
      const res = await request(server)
        .post('/api/nestor/webhooks/git/platform')
        .set('Content-Type', 'application/json')
        .set('X-Gitea-Signature', createHmac('sha256', SECRET).update(payload).digest('hex'))
        .send(payload);
      expect(res.body).toEqual({ sourceId: 'platform', status: 'accepted', provider: 'gitea' });
      await waitFor(lastCommit, c => c === rewritten, 'the force-pushed commit');

      expect(names((await get('/catalog', BOB)).body)).toEqual(['b-only', 'public-db', 'queue', 'shared-ab']);
      expect((await get('/catalog/public-db', BOB)).body.definition.spec.version).toBe('1.0.0');
      expect((await get('/catalog/queue', BOB)).body.definition.spec.version).toBe('3.0.0');
    });

    it('reports a broken file in /catalog/sources with its line and keeps serving the item', async () => {
      await pushAndNotify({ 'buffet/queue.yaml': def('queue', { type: 'messaging.queue', version: '3.0.0' }).replace('engine: helm', 'engine: Helm') });
      const [source] = (await get('/catalog/sources', ALICE)).body.items;
      expect(source.status).toBe('partial');
      expect(source.errors).toEqual([
        { path: 'buffet/queue.yaml', line: expect.any(Number), message: expect.stringMatching(/ResourceDefinition "queue": spec.engine: /) },
      ]);
      expect((await get('/catalog/queue', ALICE)).body.definition.spec.version).toBe('3.0.0');
      const failed = (await store.events.readAfter({ afterId: 0, limit: 1000 })).filter(e => e.type === 'catalog.sync.failed');
      expect(failed.at(-1)).toMatchObject({ team: null, payload: { sourceId: 'platform', errors: source.errors } });
    });

    it('holds back a definition whose engine is not installed, naming the engine', async () => {
      await pushAndNotify({
        'buffet/pulumi.yaml': def('pulumi-thing', { engine: 'pulumi', extraSpec: { helm: undefined, pulumi: { program: { resources: {} } } } }),
      });
      const [source] = (await get('/catalog/sources', ALICE)).body.items;
      expect(source.errors).toContainEqual({
        path: 'buffet/pulumi.yaml',
        line: 1,
        message: expect.stringMatching(/^ResourceDefinition "pulumi-thing": spec.engine: engine "pulumi" is not installed \(installed: helm\)/),
      });
      expect((await get('/catalog/pulumi-thing', ALICE)).status).toBe(404);
    });

    it('accepts a GitLab token, ignores pushes to other branches, and refuses anything unsigned with 401', async () => {
      const post = (headers: Record<string, string>, body = '{"ref":"refs/heads/main"}', source = 'platform') => {
        const req = request(server).post(`/api/nestor/webhooks/git/${source}`).set('Content-Type', 'application/json');
        for (const [k, v] of Object.entries(headers)) req.set(k, v);
        return req.send(body);
      };
      expect((await post({ 'X-Gitlab-Token': SECRET })).body).toMatchObject({ status: 'accepted', provider: 'gitlab' });
      const other = '{"ref":"refs/heads/feature"}';
      expect((await post({ 'X-Hub-Signature-256': githubSignature(other) }, other)).body).toMatchObject({ status: 'ignored' });

      const refusals = [
        await post({}),
        await post({ 'X-Hub-Signature-256': githubSignature('{"ref":"refs/heads/other"}') }),
        await post({ 'X-Hub-Signature-256': 'sha256=deadbeef' }),
        await post({ 'X-Gitlab-Token': 'guess' }),
        await post({ 'X-Gitea-Signature': githubSignature('{"ref":"refs/heads/main"}') }),
        await post({ 'X-Gitlab-Token': SECRET }, '{}', 'unknown-source'),
      ];
      for (const res of refusals) {
        expect(res.status).toBe(401);
        expect(res.body.error).toEqual(expect.objectContaining({ name: 'AuthenticationError', message: 'Missing or invalid webhook signature' }));
      }
    });

    it('lets a user with nestor.catalog.sync trigger a sync (202), refuses one without (403)', async () => {
      const commit = await work.commitAndPush({ 'buffet/manual.yaml': def('manual-item') });
      const denied = await request(server).post('/api/nestor/catalog/sources/platform/sync').set('Authorization', BOB);
      expect(denied.status).toBe(403);
      expect(denied.body.error.name).toBe('NotAllowedError');
      expect((await request(server).post('/api/nestor/catalog/sources/nope/sync').set('Authorization', ALICE)).status).toBe(404);
      expect(
        (await request(server).post('/api/nestor/catalog/sources/platform/sync').set('Authorization', mockCredentials.none.header())).status,
      ).toBe(401);

      const accepted = await request(server).post('/api/nestor/catalog/sources/platform/sync').set('Authorization', ALICE);
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ sourceId: 'platform', status: 'accepted' });
      await waitFor(lastCommit, c => c === commit, 'the manual sync');
      expect((await get('/catalog/manual-item', CAROL)).status).toBe(200);
    });
  });
});
