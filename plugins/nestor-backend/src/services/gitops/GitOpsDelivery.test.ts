import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { Deployment, GitopsTarget } from '@nestor/plugin-nestor-common';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { createTestDeployment, createTestResourceDefinition } from '@nestor/plugin-nestor-node/testUtils';
import { GitHttpServer, GitWorkTree, ScmTestServer } from '@nestor/test-utils';
import { GitOpsDelivery } from './GitOpsDelivery';
import { GitRepositoryCommitter } from './GitRepositoryCommitter';
import { PullRequestClients } from './pullRequests/PullRequestClients';

// Git is real (git http-backend); the pull-request host is the in-process
// SCM test server (no GitHub, GitLab or Gitea runs here), fronting the same
// bare repositories, so its merges are real merges.
describe('GitOpsDelivery, pull-request strategy', () => {
  let git: GitHttpServer;
  let scm: ScmTestServer;
  let repo: string;
  let target: GitopsTarget;
  const dirs: string[] = [];

  beforeEach(async () => {
    git = await GitHttpServer.start();
    scm = await ScmTestServer.start({ token: 'scm-token', gitRepos: name => git.repoPath(name) });
    repo = await git.createRepo('acme/infra');
    target = { repo, branch: 'main', path: 'nestor', strategy: 'pull-request' };
    const tree = await GitWorkTree.create(repo);
    await tree.commitAndPush({ 'README.md': '# infra\n' }, 'initial');
    await tree.remove();
  });
  afterEach(async () => {
    await scm.stop();
    await git.stop();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** The delivery of one replica: its own cached copies. */
  function replica(): GitOpsDelivery {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-delivery-'));
    dirs.push(workDir);
    return GitOpsDelivery.create({
      committer: GitRepositoryCommitter.create({ workDir, author: { name: 'Nestor', email: 'nestor@example.org' } }),
      commitMessage: 'nestor: {{action}} {{ref}} (revision {{revision}})',
      pullRequests: PullRequestClients.fromConfig(
        new ConfigReader({ integrations: { gitea: [{ host: new URL(git.baseUrl).host, baseUrl: scm.giteaBaseUrl, password: 'scm-token' }] } }),
      ),
    });
  }

  const deployment = (name = 'orders-db') => ({ ...createTestDeployment({ team: 'team-a', environment: 'dev', name }), version: 1 }) as Deployment;
  const artifacts = [{ path: 'claim.yaml', content: 'kind: PostgresDatabase\nspec:\n  size: small\n' }];

  async function branchLog(branch: string): Promise<string[]> {
    const tree = await GitWorkTree.create(repo);
    try {
      await tree.git('fetch', '--quiet', 'origin', branch);
      return (await tree.git('log', '--format=%s', 'FETCH_HEAD')).split('\n');
    } finally {
      await tree.remove();
    }
  }

  it('reuses the branch an earlier attempt at the same revision pushed (a crash between push and open), with one pull request', async () => {
    const d = deployment();
    // the first attempt pushes its branch, then the host is unavailable: no pull request
    scm.failNext.push(503);
    const first = await replica()
      .deliver({ deployment: d, target, artifacts, action: 'deploy' })
      .catch(e => e);
    expect(first).toBeInstanceOf(TransientEngineError);
    expect(scm.pulls).toEqual([]);
    expect(await branchLog('nestor/team-a/dev/orders-db/r1')).toEqual(['nestor: deploy team-a/dev/orders-db (revision 1)', 'initial']);

    // another replica takes the step over, with no copy of its own: the branch is reused as it is
    const retried = await replica().deliver({ deployment: d, target, artifacts, action: 'deploy' });
    expect(retried).toMatchObject({ branch: 'nestor/team-a/dev/orders-db/r1', changed: false, pullRequestUrl: expect.stringMatching(/\/pulls\/1$/) });
    expect(await branchLog('nestor/team-a/dev/orders-db/r1')).toEqual(['nestor: deploy team-a/dev/orders-db (revision 1)', 'initial']);
    expect(scm.pulls).toEqual([expect.objectContaining({ head: 'nestor/team-a/dev/orders-db/r1', base: 'main', state: 'open' })]);

    // and once more (a crash after the open): the same pull request
    const again = await replica().deliver({ deployment: d, target, artifacts, action: 'deploy' });
    expect(again).toMatchObject({ commit: retried.commit, pullRequestUrl: retried.pullRequestUrl });
    expect(scm.pulls).toHaveLength(1);
  });

  it("opens no pull request for platform files the owner's branch already has", async () => {
    const delivery = replica();
    const definition = createTestResourceDefinition({ name: 'postgres-database', version: '1.0.0', engine: 'crossplane' });
    const platform = [{ path: 'xrd.yaml', content: 'kind: CompositeResourceDefinition\n' }];
    const published = await delivery.deliverPlatform({ definition, target, artifacts: platform, deployment: deployment('one') });
    expect(published).toMatchObject({ branch: 'nestor/_platform/postgres-database-1.0.0', changed: true, pullRequestUrl: expect.any(String) });
    const mergeCommit = await scm.mergeInRepo(scm.pulls[0]);

    const later = await delivery.deliverPlatform({ definition, target, artifacts: platform, deployment: deployment('two') });
    expect(later).toMatchObject({ branch: 'main', path: 'nestor/_platform/postgres-database', commit: mergeCommit, changed: false });
    expect(later.pullRequestUrl).toBeUndefined();
    expect(scm.pulls).toHaveLength(1);
  });

  it('tells the conflicting files of a pull request whose base changed the same file since', async () => {
    const delivery = replica();
    const record = await delivery.deliver({ deployment: deployment(), target, artifacts, action: 'deploy' });
    expect(await delivery.pullRequestState(record)).toMatchObject({ state: 'open', conflicts: false, base: 'main' });
    const tree = await GitWorkTree.create(repo);
    await tree.git('fetch', '--quiet', 'origin', 'main');
    await tree.git('checkout', '--quiet', '-B', 'main', 'FETCH_HEAD');
    await tree.commitAndPush({ 'nestor/dev/orders-db/claim.yaml': 'kind: PostgresDatabase\nspec:\n  size: large\n' }, 'by hand');
    await tree.remove();
    expect(await delivery.pullRequestState(record)).toMatchObject({ state: 'open', conflicts: true });
    expect(await delivery.conflictingFiles(record, 'main')).toEqual(['nestor/dev/orders-db/claim.yaml']);
    expect(scm.pulls[0].conflictingFiles).toEqual(['nestor/dev/orders-db/claim.yaml']);
  });
});
