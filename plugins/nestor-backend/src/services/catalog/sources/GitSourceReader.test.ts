import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { GitHttpServer, GitWorkTree } from '@nestor/test-utils';
import { CliGitClient } from './CliGitClient';
import { GitCredentialsResolver } from './GitCredentialsResolver';
import { GitSourceReader } from './GitSourceReader';
import { IsomorphicGitClient } from './IsomorphicGitClient';
import { GitClient } from './types';

const clients: Array<[string, () => GitClient]> = [
  ['git CLI', () => CliGitClient.create()],
  ['isomorphic-git', () => IsomorphicGitClient.create()],
];

describe.each(clients)('GitSourceReader with %s', (_name, makeClient) => {
  let server: GitHttpServer;
  let work: GitWorkTree;
  let workDir: string;

  beforeEach(async () => {
    server = await GitHttpServer.start();
    work = await GitWorkTree.create(await server.createRepo('buffet'));
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-reader-'));
  });
  afterEach(async () => {
    await server.stop();
    await work.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  function reader(options: { subPath?: string; client?: GitClient } = {}) {
    return GitSourceReader.create({
      sourceId: 'platform',
      url: server.url('buffet'),
      branch: 'main',
      subPath: options.subPath,
      workDir,
      client: options.client ?? makeClient(),
      credentials: async () => undefined,
    });
  }

  it('lists every file below the sub-path on a first read and reads their content', async () => {
    const commit = await work.commitAndPush({
      'nestor/a.yaml': 'a: 1\n',
      'nestor/deep/b.yaml': 'b: 2\n',
      'other/c.yaml': 'c: 3\n',
    });
    const snapshot = await reader({ subPath: 'nestor/' }).read({});

    expect(snapshot.commit).toBe(commit);
    expect(snapshot.changes.full).toBe(true);
    expect(snapshot.changes.changed.sort()).toEqual(['nestor/a.yaml', 'nestor/deep/b.yaml']);
    const files = await snapshot.readFiles(['nestor/a.yaml', 'nestor/missing.yaml']);
    expect(files.get('nestor/a.yaml')?.toString()).toBe('a: 1\n');
    expect(files.has('nestor/missing.yaml')).toBe(false);
    expect(await snapshot.listFiles('nestor/deep')).toEqual(['nestor/deep/b.yaml']);
  });

  it('diffs against the last synced commit: one changed and one deleted file out of many', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`defs/d${i}.yaml`] = `n: ${i}\n`;
    const first = await work.commitAndPush(files);
    const r = reader();
    const s1 = await r.read({});
    await r.markSynced(s1.commit);

    await work.commitAndPush({ 'defs/d7.yaml': 'n: seven\n', 'defs/d9.yaml': null });
    const s2 = await r.read({ sinceCommit: first });

    expect(s2.changes).toEqual({ full: false, changed: ['defs/d7.yaml'], deleted: ['defs/d9.yaml'] });
    expect((await s2.readFiles(['defs/d7.yaml'])).get('defs/d7.yaml')?.toString()).toBe('n: seven\n');
  });

  it('diffs across a force-push against the commit it synced before', async () => {
    const base = await work.commitAndPush({ 'a.yaml': 'v: 1\n', 'b.yaml': 'v: 1\n' });
    const synced = await work.commitAndPush({ 'a.yaml': 'v: 2\n', 'c.yaml': 'v: 1\n' });
    const r = reader();
    await r.markSynced((await r.read({})).commit);

    await work.resetHard(base);
    await work.write({ 'b.yaml': 'v: 3\n' });
    const rewritten = await work.commit('rewrite history');
    await work.push({ force: true });
    const snapshot = await r.read({ sinceCommit: synced });

    expect(snapshot.commit).toBe(rewritten);
    expect(snapshot.changes.full).toBe(false);
    expect(snapshot.changes.changed.sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(snapshot.changes.deleted).toEqual(['c.yaml']);
  });

  it('diffs against a commit another copy synced, fetching that commit when the client can', async () => {
    const base = await work.commitAndPush({ 'a.yaml': 'v: 1\n', 'b.yaml': 'v: 1\n' });
    const first = reader();
    await first.markSynced((await first.read({})).commit);
    await work.commitAndPush({ 'b.yaml': 'v: 2\n' });

    // another replica: its own working directory, which never saw `base`
    const otherDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-reader-other-'));
    try {
      const client = makeClient();
      const other = GitSourceReader.create({
        sourceId: 'platform',
        url: server.url('buffet'),
        branch: 'main',
        workDir: otherDir,
        client,
        credentials: async () => undefined,
      });
      const snapshot = await other.read({ sinceCommit: base });
      expect(snapshot.changes).toEqual(
        client.fetchCommit ? { full: false, changed: ['b.yaml'], deleted: [] } : { full: true, changed: ['a.yaml', 'b.yaml'], deleted: [] },
      );
    } finally {
      await fs.rm(otherDir, { recursive: true, force: true });
    }
  });

  it('falls back to a full listing when the base commit is unknown to the local copy', async () => {
    await work.commitAndPush({ 'a.yaml': 'v: 1\n' });
    const snapshot = await reader().read({ sinceCommit: 'f'.repeat(40) });
    expect(snapshot.changes).toEqual({ full: true, changed: ['a.yaml'], deleted: [] });
  });

  it('reports no change when the head is the synced commit', async () => {
    const commit = await work.commitAndPush({ 'a.yaml': 'v: 1\n' });
    const snapshot = await reader().read({ sinceCommit: commit });
    expect(snapshot.changes).toEqual({ full: false, changed: [], deleted: [] });
  });

  it('fails with a clear error when the branch does not exist', async () => {
    await work.commitAndPush({ 'a.yaml': 'v: 1\n' });
    const r = GitSourceReader.create({
      sourceId: 'platform',
      url: server.url('buffet'),
      branch: 'nope',
      workDir,
      client: makeClient(),
      credentials: async () => undefined,
    });
    await expect(r.read({})).rejects.toThrow(/nope/);
  });
});

describe('GitSourceReader credentials from integrations', () => {
  const cases: Array<[string, (host: string, baseUrl: string) => object, { username: string; password: string }]> = [
    ['github', host => ({ github: [{ host, apiBaseUrl: `http://${host}/api/v3`, token: 'gh-token' }] }), { username: 'x-access-token', password: 'gh-token' }],
    ['gitlab', (host, baseUrl) => ({ gitlab: [{ host, baseUrl, apiBaseUrl: `${baseUrl}/api/v4`, token: 'gl-token' }] }), { username: 'oauth2', password: 'gl-token' }],
    ['gitea', (host, baseUrl) => ({ gitea: [{ host, baseUrl, username: 'gitea-bot', password: 'gt-pass' }] }), { username: 'gitea-bot', password: 'gt-pass' }],
  ];

  it.each(cases)('fetches from a %s host with the integration credentials, with both clients', async (_type, integration, auth) => {
    const server = await GitHttpServer.start({ auth });
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-reader-auth-'));
    try {
      await server.createRepo('private');
      const work = await GitWorkTree.create(server.authenticatedUrl('private'));
      const commit = await work.commitAndPush({ 'a.yaml': 'secret: no\n' });
      await work.remove();
      const host = new URL(server.baseUrl).host;
      const resolver = GitCredentialsResolver.fromConfig(
        new ConfigReader({ integrations: integration(host, server.baseUrl) }),
      );
      expect(resolver.integrationType(server.url('private'))).toBe(_type);

      for (const client of [CliGitClient.create(), IsomorphicGitClient.create()]) {
        const r = GitSourceReader.create({
          sourceId: `p-${client.name}`,
          url: server.url('private'),
          branch: 'main',
          workDir,
          client,
          credentials: url => resolver.resolve(url),
        });
        expect((await r.read({})).commit).toBe(commit);
      }
      expect(server.requests.filter(r => r.status === 200).every(r => r.user === auth.username)).toBe(true);
    } finally {
      await server.stop();
      await fs.rm(workDir, { recursive: true, force: true });
    }
  });

  it('fails without credentials when the host needs them (plain Git, no integration)', async () => {
    const server = await GitHttpServer.start({ auth: { username: 'u', password: 'p' } });
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-reader-auth-'));
    try {
      await server.createRepo('private');
      const resolver = GitCredentialsResolver.fromConfig(new ConfigReader({}));
      const r = GitSourceReader.create({
        sourceId: 'p',
        url: server.url('private'),
        branch: 'main',
        workDir,
        client: CliGitClient.create(),
        credentials: url => resolver.resolve(url),
      });
      await expect(r.read({})).rejects.toThrow(/git fetch failed/);
      expect(server.requests.some(req => req.status === 401)).toBe(true);
    } finally {
      await server.stop();
      await fs.rm(workDir, { recursive: true, force: true });
    }
  });
});
