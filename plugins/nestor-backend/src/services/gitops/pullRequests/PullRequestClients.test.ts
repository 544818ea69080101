import { ConfigReader } from '@backstage/config';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { ScmTestServer } from '@nestor/test-utils';
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

    expect(await client.get({ repo, number: opened.number })).toEqual({ state: 'open' });
    scm.merge(scm.pulls[0], 'abc123');
    expect(await client.get({ repo, number: opened.number })).toEqual({ state: 'merged', mergeCommit: 'abc123' });

    const second = await client.open({ repo, head: 'nestor/team-a/dev/db/r2', base: 'main', title: 't2', body: 'b2' });
    expect(second.number).toBe(2);
    scm.close(scm.pulls[1]);
    expect(await client.get({ repo, number: 2 })).toEqual({ state: 'closed' });
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
