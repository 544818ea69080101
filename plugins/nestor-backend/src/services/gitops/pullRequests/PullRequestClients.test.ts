import { ConfigReader } from '@backstage/config';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { GitHttpServer, GitWorkTree, ScmTestServer } from '@nestor/test-utils';
import { PullRequestClients } from './PullRequestClients';
import { ScmApiError } from './scmFetch';

// No GitHub, GitLab or Gitea runs here: the in-process ScmTestServer answers
// their pull-request endpoints (create, list open ones, get one), and the
// test merges or closes requests as a reviewer would.
describe('pull-request clients on the SCM test server', () => {
  let scm: ScmTestServer;
  beforeEach(async () => {
    scm = await ScmTestServer.start({ token: 'scm-token' });
  });
  afterEach(() => scm.stop());

  const clients = (token = 'scm-token') =>
    PullRequestClients.fromConfig(
      new ConfigReader({
        integrations: {
          github: [{ host: 'github.example.com', apiBaseUrl: scm.githubApiUrl, token }],
          gitlab: [{ host: 'gitlab.example.com', apiBaseUrl: scm.gitlabApiUrl, token }],
          gitea: [{ host: 'gitea.example.com', baseUrl: scm.giteaBaseUrl, password: token }],
        },
      }),
    );

  const cases = [
    { provider: 'github', repo: 'https://github.example.com/acme/infra.git', stored: 'acme/infra', path: '/github/api/v3/repos/acme/infra/pulls' },
    { provider: 'gitlab', repo: 'https://gitlab.example.com/acme/platform/infra.git', stored: 'acme/platform/infra', path: '/gitlab/api/v4/projects/acme%2Fplatform%2Finfra/merge_requests' },
    { provider: 'gitea', repo: 'https://gitea.example.com/acme/infra.git', stored: 'acme/infra', path: '/gitea/api/v1/repos/acme/infra/pulls' },
  ] as const;

  it.each(cases)('$provider: opens a request, returns the open one when asked again, reads open → merged with its commit', async ({ provider, repo, stored }) => {
    const client = clients().forRepo(repo);
    const opened = await client.open({ repo, head: 'nestor/team-a/dev/db/r1', base: 'main', title: 'nestor: deploy team-a/dev/db', body: 'the message' });
    expect(opened.number).toBe(1);
    expect(opened.url).toMatch(/\/1$/);
    expect(scm.pulls).toEqual([
      expect.objectContaining({ provider, repo: stored, head: 'nestor/team-a/dev/db/r1', base: 'main', title: 'nestor: deploy team-a/dev/db', body: 'the message', state: 'open' }),
    ]);
    // a retried step: the host refuses a second request for the branch, the client finds the open one
    expect(await client.open({ repo, head: 'nestor/team-a/dev/db/r1', base: 'main', title: 't', body: 'b' })).toEqual(opened);
    expect(scm.pulls).toHaveLength(1);

    const branches = { head: 'nestor/team-a/dev/db/r1', base: 'main' };
    // no repository behind this host: no mergeability in the answer, which reads as no conflict
    expect(await client.get({ repo, number: opened.number })).toEqual({ state: 'open', ...branches, conflicts: false });
    scm.pulls[0].conflicts = true;
    expect(await client.get({ repo, number: opened.number })).toEqual({ state: 'open', ...branches, conflicts: true });
    scm.merge(scm.pulls[0], 'abc123');
    expect(await client.get({ repo, number: opened.number })).toEqual({ state: 'merged', mergeCommit: 'abc123', ...branches });

    const second = await client.open({ repo, head: 'nestor/team-a/dev/db/r2', base: 'main', title: 't2', body: 'b2' });
    expect(second.number).toBe(2);
    scm.close(scm.pulls[1]);
    expect(await client.get({ repo, number: 2 })).toEqual({ state: 'closed', head: 'nestor/team-a/dev/db/r2', base: 'main' });
  });

  it.each(cases)('$provider: reads whether a request conflicts with its base, as the host computes it on the real repository', async ({ provider, repo, stored }) => {
    const git = await GitHttpServer.start();
    const real = await ScmTestServer.start({ token: 'scm-token', gitRepos: name => git.repoPath(name) });
    const tree = await GitWorkTree.create(await git.createRepo(stored));
    try {
      await tree.commitAndPush({ 'nestor/dev/db/claim.yaml': 'size: small\n', 'README.md': '# infra\n' }, 'initial');
      await tree.git('checkout', '--quiet', '-b', 'nestor/team-a/dev/db/r2');
      await tree.write({ 'nestor/dev/db/claim.yaml': 'size: large\n' });
      await tree.commit('deploy r2');
      await tree.git('push', '--quiet', 'origin', 'nestor/team-a/dev/db/r2');
      await tree.git('checkout', '--quiet', 'main');
      const config = new ConfigReader({
        integrations: {
          github: [{ host: 'github.example.com', apiBaseUrl: real.githubApiUrl, token: 'scm-token' }],
          gitlab: [{ host: 'gitlab.example.com', apiBaseUrl: real.gitlabApiUrl, token: 'scm-token' }],
          gitea: [{ host: 'gitea.example.com', baseUrl: real.giteaBaseUrl, password: 'scm-token' }],
        },
      });
      const client = PullRequestClients.fromConfig(config).forRepo(repo);
      const { number } = await client.open({ repo, head: 'nestor/team-a/dev/db/r2', base: 'main', title: 't', body: 'b' });
      expect(await client.get({ repo, number })).toMatchObject({ state: 'open', conflicts: false });

      // the base branch gets another change to the same file
      await tree.commitAndPush({ 'nestor/dev/db/claim.yaml': 'size: medium\n' }, 'hand edit');
      expect(await client.get({ repo, number })).toMatchObject({ state: 'open', conflicts: true, base: 'main' });
      expect(real.pulls[0]).toMatchObject({ provider, conflictingFiles: ['nestor/dev/db/claim.yaml'] });
      await expect(real.mergeInRepo(real.pulls[0])).rejects.toThrow(/conflicts with main in nestor\/dev\/db\/claim\.yaml/);

      // resolved in the request's branch: main merged into it, the request's side kept
      await tree.git('checkout', '--quiet', 'nestor/team-a/dev/db/r2');
      await tree.git('merge', '--quiet', '-X', 'ours', '-m', 'resolve', 'main');
      await tree.git('push', '--quiet', 'origin', 'nestor/team-a/dev/db/r2');
      expect(await client.get({ repo, number })).toMatchObject({ state: 'open', conflicts: false });
      const mergeCommit = await real.mergeInRepo(real.pulls[0]);
      expect(await client.get({ repo, number })).toEqual({ state: 'merged', mergeCommit, head: 'nestor/team-a/dev/db/r2', base: 'main' });
      await tree.git('fetch', '--quiet', 'origin', 'main');
      expect(await tree.git('show', 'FETCH_HEAD:nestor/dev/db/claim.yaml')).toBe('size: large');
    } finally {
      await tree.remove();
      await real.stop();
      await git.stop();
    }
  });

  it.each(cases)('$provider: a refused token is a plain error, a 5xx a transient one, an unknown number a 404', async ({ repo, path }) => {
    const refused = await clients('wrong').forRepo(repo).get({ repo, number: 1 }).catch(e => e);
    expect(refused).toBeInstanceOf(ScmApiError);
    expect(refused.statusCode).toBe(401);
    scm.failNext.push(503);
    const unavailable = await clients().forRepo(repo).open({ repo, head: 'h', base: 'main', title: 't', body: '' }).catch(e => e);
    expect(unavailable).toBeInstanceOf(TransientEngineError);
    expect(unavailable.message).toContain('answered 503');
    expect(scm.requests.at(-1)).toEqual({ method: 'POST', path, status: 503 });
    const missing = await clients().forRepo(repo).get({ repo, number: 9 }).catch(e => e);
    expect(missing).toMatchObject({ statusCode: 404 });
  });

  it('refuses a repository no GitHub, GitLab or Gitea integration serves', () => {
    expect(() => clients().forRepo('https://git.example.com/acme/infra.git')).toThrow(/needs a GitHub, GitLab or Gitea integration .* git\.example\.com/);
  });
});
