import { ConfigReader } from '@backstage/config';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Deployment } from '@nestor/plugin-nestor-common';
import { ArgoCdSwaggerValidator, ArgoCdTestServer, findUpstreamDir, GitWorkTree, ScmTestServer } from '@nestor/test-utils';
import { ArgoCdApps } from '../gitops/argocd/ArgoCdApps';
import { PullRequestClients } from '../gitops/pullRequests/PullRequestClients';
import { DeploymentHarness, startDeploymentHarness, testCaller, testRequest } from './__testUtils__/startDeploymentHarness';
import { TestEngine } from './__testUtils__/TestEngine';

jest.setTimeout(90_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const upstream = findUpstreamDir();
if (!upstream) console.warn('Skipping the Argo CD flow tests: ../shared/upstream (Argo CD swagger) is absent');

const inPhase = (h: DeploymentHarness, id: string, phase: Deployment['phase']) =>
  h.waitFor(phase, async () => {
    const d = await h.store.deployments.get(id);
    return d?.phase === phase ? d : undefined;
  });

// Git is real (git http-backend); the pull-request host is the in-process
// SCM test server (no GitHub/GitLab/Gitea runs here), where the test merges
// as a reviewer would, after merging the branch in the real repository.
describe('Coordinator, pull-request strategy', () => {
  let h: DeploymentHarness;
  let scm: ScmTestServer;
  beforeEach(async () => {
    // the SCM test server fronts the harness's real repository: mergeability from git merge-tree, real merges
    scm = await ScmTestServer.start({ token: 'scm-token', gitRepos: name => h.git.repoPath(name) });
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      repoName: 'acme/infra',
      strategy: 'pull-request',
      pullRequests: gitBaseUrl =>
        PullRequestClients.fromConfig(new ConfigReader({ integrations: { gitea: [{ host: new URL(gitBaseUrl).host, baseUrl: scm.giteaBaseUrl, password: 'scm-token' }] } })),
    });
  });
  afterEach(async () => {
    await h.stop();
    await scm.stop();
  });

  const pullRequestCondition = (id: string, reason: string, includes: string) =>
    h.waitFor(`PullRequestMerged=False (${reason}) naming ${includes}`, async () =>
      (await h.store.deployments.get(id))?.conditions.find(c => c.type === 'PullRequestMerged' && c.status === 'False' && c.reason === reason && c.message?.includes(includes)),
    );

  it("pushes a branch per revision, opens pull requests for it and its item's platform files, stays Committed until both are merged, then moves on", async () => {
    const tree = await GitWorkTree.create(h.repo);
    const initial = await tree.commitAndPush({ 'README.md': '# infra\n' }, 'initial');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    h.coordinator('replica-1');
    const committed = await inPhase(h, deployment.id, 'Committed');
    const pr = await h.waitFor('the pull request', async () => scm.pulls.find(p => p.head === 'nestor/team-a/dev/orders-cache/r1'));
    // the item's platform files (published to the owner's repository) get a pull request of their own
    expect(scm.pulls.map(p => p.head).sort()).toEqual(['nestor/_platform/cache-1.0.0', 'nestor/team-a/dev/orders-cache/r1']);
    expect(pr).toMatchObject({ provider: 'gitea', repo: 'acme/infra', head: 'nestor/team-a/dev/orders-cache/r1', base: 'main', state: 'open' });
    expect(pr.title).toBe('nestor: deploy team-a/dev/orders-cache (revision 1)');
    expect(pr.body).toContain('Nestor-Ref: team-a/dev/orders-cache');

    // the branch is on the real repository, started from main; main is untouched
    await tree.git('fetch', '--quiet', 'origin', pr.head);
    const branchHead = (await tree.git('rev-parse', 'FETCH_HEAD')).trim();
    expect(committed.revisions[0].delivery).toMatchObject({ mode: 'gitops', branch: pr.head, commit: branchHead, pullRequestUrl: expect.stringMatching(new RegExp(`/pulls/${pr.number}$`)) });
    expect(await tree.git('show', 'FETCH_HEAD:nestor/dev/orders-cache/configmap.yaml')).toContain('orders-cache');
    expect((await tree.git('rev-parse', 'FETCH_HEAD~1')).trim()).toBe(initial);
    expect(await h.committer.readFolder(h.repo, 'main', 'nestor')).toEqual(new Map());

    // open: the deployment waits in Committed, with a condition saying why
    const platformPr = scm.pulls.find(p => p.head === 'nestor/_platform/cache-1.0.0')!;
    const platformUrl = committed.revisions[0].delivery!.platform!.pullRequestUrl!;
    expect(committed.revisions[0].delivery!.platform).toMatchObject({ repo: h.repo, branch: platformPr.head, path: 'nestor/_platform/cache', pullRequestUrl: expect.stringMatching(new RegExp(`/pulls/${platformPr.number}$`)) });
    const waiting = await pullRequestCondition(deployment.id, 'Open', platformUrl);
    expect(waiting.message).toContain(committed.revisions[0].delivery!.pullRequestUrl);
    expect((await h.store.deployments.get(deployment.id))!.phase).toBe('Committed');

    // a reviewer merges the deployment's: in the real repository, then on the host
    await tree.git('merge', '--quiet', '--no-ff', '-m', 'Merge pull request #1', 'FETCH_HEAD');
    await tree.git('push', '--quiet', 'origin', 'HEAD:main');
    const mergeCommit = await tree.head();
    scm.merge(pr, mergeCommit);

    // the claim must not reach the cluster before its XRD: still Committed, waiting for the platform pull request only
    const platformOnly = await h.waitFor('the condition naming only the platform pull request', async () => {
      const c = (await h.store.deployments.get(deployment.id))?.conditions.find(x => x.type === 'PullRequestMerged');
      return c && !c.message?.includes(`/pulls/${pr.number}`) ? c : undefined;
    });
    expect(platformOnly).toMatchObject({ status: 'False', reason: 'Open', message: `waiting for ${platformUrl} to be merged` });
    await new Promise(r => setTimeout(r, 300)); // six polls
    expect((await h.store.deployments.get(deployment.id))!.phase).toBe('Committed');
    const platformMerge = await scm.mergeInRepo(platformPr);

    const syncing = await inPhase(h, deployment.id, 'Syncing');
    expect(syncing.history.at(-1)).toMatchObject({ reason: 'PullRequestMerged' });
    expect(syncing.revisions[0].delivery).toMatchObject({ commit: branchHead, mergeCommit, platform: { pullRequestUrl: platformUrl, mergeCommit: platformMerge } });
    expect(syncing.conditions.find(c => c.type === 'PullRequestMerged')).toMatchObject({ status: 'True', reason: 'Merged' });
    h.engine.ready.set(deployment.ref, {});
    await inPhase(h, deployment.id, 'Ready');
    expect((await h.committer.readFolder(h.repo, 'main', 'nestor/dev/orders-cache')).size).toBe(1);
    await tree.remove();
  });

  it('names the conflicting files while the pull request conflicts with main, waits, and goes on once it is resolved and merged', async () => {
    const tree = await GitWorkTree.create(h.repo);
    await tree.commitAndPush({ 'README.md': '# infra\n' }, 'initial');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    h.coordinator('replica-1');
    const committed = await inPhase(h, deployment.id, 'Committed');
    const url = committed.revisions[0].delivery!.pullRequestUrl!;
    await scm.mergeInRepo(scm.pulls.find(p => p.head === 'nestor/_platform/cache-1.0.0')!);
    await pullRequestCondition(deployment.id, 'Open', url);

    // someone commits their own version of the same file to main after the pull request was opened
    await tree.git('pull', '--quiet', 'origin', 'main');
    await tree.commitAndPush({ 'nestor/dev/orders-cache/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders-cache\ndata:\n  size: huge\n' }, 'hand edit');
    const conflict = await pullRequestCondition(deployment.id, 'Conflict', url);
    expect(conflict.message).toBe(
      `${url} cannot be merged: it conflicts with main in nestor/dev/orders-cache/configmap.yaml; resolve the conflict in the pull request, the deployment goes on once it is merged`,
    );
    const pr = scm.pulls.find(p => p.head === 'nestor/team-a/dev/orders-cache/r1')!;
    await expect(scm.mergeInRepo(pr)).rejects.toThrow(/conflicts with main/);
    await new Promise(r => setTimeout(r, 300)); // six polls
    expect((await h.store.deployments.get(deployment.id))!.phase).toBe('Committed');

    // a person resolves it in the pull request (keeping Nestor's version), a reviewer merges
    await tree.git('fetch', '--quiet', 'origin', pr.head);
    await tree.git('checkout', '--quiet', '-B', 'resolve', 'FETCH_HEAD');
    await tree.git('merge', '--quiet', '-X', 'ours', '-m', 'Merge main into the pull request', 'main');
    await tree.git('push', '--quiet', 'origin', `HEAD:refs/heads/${pr.head}`);
    await pullRequestCondition(deployment.id, 'Open', url);
    const mergeCommit = await scm.mergeInRepo(pr);
    const syncing = await inPhase(h, deployment.id, 'Syncing');
    expect(syncing.revisions[0].delivery).toMatchObject({ mergeCommit });
    h.engine.ready.set(deployment.ref, {});
    await inPhase(h, deployment.id, 'Ready');
    const files = await h.committer.readFolder(h.repo, 'main', 'nestor/dev/orders-cache');
    expect(files.get('configmap.yaml')).toContain('orders-cache');
    expect(files.get('configmap.yaml')).not.toContain('huge');
    await tree.remove();
  });

  it('fails when the pull request is closed without merging', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    h.coordinator('replica-1');
    await inPhase(h, deployment.id, 'Committed');
    scm.close(scm.pulls.find(p => p.head === 'nestor/team-a/dev/orders-cache/r1')!);
    const failed = await inPhase(h, deployment.id, 'Failed');
    expect(failed.history.at(-1)).toMatchObject({ reason: 'PullRequestClosed', message: expect.stringContaining('closed without merging') });
  });
});

describe('Coordinator, direct strategy, teardown', () => {
  let h: DeploymentHarness;
  afterEach(() => h.stop());

  it("deletes the repository's only deployment: the commit removes its folder, leaving the empty tree, and it ends Deleted", async () => {
    // an engine without platform files: the deployment's folder is all the repository holds
    const engine = new (class extends TestEngine {
      async render(context: Parameters<TestEngine['render']>[0]) {
        return { artifacts: (await super.render(context)).artifacts };
      }
    })();
    h = await startDeploymentHarness({ databases, databaseId: 'SQLITE_3', engine });
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    await inPhase(h, deployment.id, 'Syncing');
    engine.ready.set(deployment.ref, {});
    await inPhase(h, deployment.id, 'Ready');
    expect(await (await h.checkout()).git('ls-tree', '-r', '--name-only', 'HEAD')).toBe('nestor/dev/orders-cache/configmap.yaml');

    await h.service.remove({ caller: testCaller(), id: deployment.id });
    const deleted = await inPhase(h, deployment.id, 'Deleted');
    expect(deleted.history.at(-1)).toMatchObject({ reason: 'TornDown' });
    const tree = await h.checkout();
    expect(await tree.git('ls-tree', '-r', '--name-only', 'HEAD')).toBe('');
    expect(await tree.git('log', '--format=%s')).toBe(
      ['nestor: delete team-a/dev/orders-cache (revision 1) by user:default/jane', 'nestor: deploy team-a/dev/orders-cache (revision 1) by user:default/jane'].join('\n'),
    );
    expect((await h.events()).filter(e => e.type === 'gitops.committed').map(e => (e.payload as { action?: string }).action)).toEqual(['deploy', 'delete']);
  });
});

// Argo CD cannot run here: its in-process test server answers, every answer
// checked against Argo CD's swagger; the test plays the controller.
(upstream ? describe : describe.skip)('Coordinator with Argo CD', () => {
  let h: DeploymentHarness;
  let argo: ArgoCdTestServer;
  const invalid: string[] = [];
  beforeEach(async () => {
    argo = await ArgoCdTestServer.start({ token: 'argo-token' });
    const validator = ArgoCdSwaggerValidator.fromUpstream(upstream!);
    argo.onResponse = (definition, body) => invalid.push(...validator.errors(definition, body).map(e => `${definition}: ${e}`));
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      argocd: ArgoCdApps.create({ instances: [{ name: 'main', url: argo.url, token: 'argo-token' }], clientOptions: { backoffMs: 1, retries: 1 } }),
    });
    h.coordinator('replica-1');
  });
  afterEach(async () => {
    await h.stop();
    await argo.stop();
    // eslint-disable-next-line jest/no-standalone-expect
    expect(invalid.splice(0)).toEqual([]);
  });

  const syncRequested = (app: string) => h.waitFor('the sync request', async () => argo.requests.find(r => r.method === 'POST' && r.path === `/api/v1/applications/${app}/sync`));

  it('is Ready when the app reports Synced/Healthy at the commit', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    const syncing = await inPhase(h, deployment.id, 'Syncing');
    const sync = await syncRequested('nestor-team-a-dev');
    expect(sync.body).toMatchObject({ revision: 'main' });
    expect(argo.apps.get('nestor-team-a-dev')!.spec).toMatchObject({ source: { repoURL: h.repo, path: 'nestor/dev', targetRevision: 'main' } });
    // still progressing: Syncing, with the Argo CD conditions
    await h.waitFor('ArgoCdHealthy=Progressing', async () =>
      (await h.store.deployments.get(deployment.id))?.conditions.find(c => c.type === 'ArgoCdHealthy' && c.reason === 'Progressing'),
    );
    argo.setStatus('nestor-team-a-dev', { sync: 'Synced', health: 'Healthy', revision: syncing.revisions[0].delivery!.commit });
    const ready = await inPhase(h, deployment.id, 'Ready');
    expect(ready.conditions.filter(c => c.type.startsWith('ArgoCd')).map(c => `${c.type}=${c.status}`)).toEqual(['ArgoCdSynced=True', 'ArgoCdHealthy=True']);
    expect(h.engine.ready.size).toBe(0); // the engine's own status was not needed
  });

  it('fails on Degraded, with the health message in the conditions', async () => {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    await inPhase(h, deployment.id, 'Syncing');
    await syncRequested('nestor-team-a-dev');
    argo.setStatus('nestor-team-a-dev', { sync: 'Synced', health: 'Degraded', message: 'Deployment orders-cache exceeded its progress deadline' });
    const failed = await inPhase(h, deployment.id, 'Failed');
    expect(failed.history.at(-1)).toMatchObject({ reason: 'ArgoCdDegraded' });
    expect(failed.conditions.find(c => c.type === 'ArgoCdHealthy')).toMatchObject({ status: 'False', reason: 'Degraded', message: expect.stringContaining('exceeded its progress deadline') });
    expect(failed.conditions.find(c => c.type === 'Ready')!.message).toContain('exceeded its progress deadline');
  });
});
