import fs from 'node:fs';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { KubernetesTestServer } from '@nestor/test-utils';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { DeploymentHarness, startDeploymentHarness, testCaller, testRequest } from './__testUtils__/startDeploymentHarness';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// The cluster is the in-process Kubernetes API server of @nestor/test-utils:
// no real cluster runs here.
describe('Coordinator delivery', () => {
  let h: DeploymentHarness;
  let kubernetes: KubernetesTestServer | undefined;
  afterEach(async () => {
    await h.stop();
    await kubernetes?.stop();
    kubernetes = undefined;
  });

  it('delivers directly: server-side applies the rendered objects to the environment\'s cluster', async () => {
    kubernetes = await KubernetesTestServer.start({ token: 'sa' });
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      teamOverrides: { delivery: 'direct' },
      clusters: [{ name: 'dev', url: kubernetes.url, serviceAccountToken: 'sa', skipTLSVerify: true }],
    });
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    expect(deployment.delivery).toBe('direct');
    await h.waitFor('Syncing', async () => (await h.store.deployments.get(deployment.id))?.phase === 'Syncing');
    const applied = kubernetes.getObject('v1', 'ConfigMap', 'orders-cache', 'team-a-dev')!;
    expect(applied.data.parameters).toBe(JSON.stringify({ size: 'small', replicas: 1, tier: 'standard' }));
    expect(applied.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toEqual(['nestor/Apply']);
    expect(kubernetes.getObject('v1', 'Namespace', 'team-a-dev')).toBeDefined();

    h.engine.ready.set(deployment.ref, {});
    const ready = await h.waitFor('Ready', async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.phase === 'Ready' ? d : undefined;
    });
    expect(ready.history.map(x => `${x.phase}:${x.reason}`)).toEqual([
      'Pending:Submitted',
      'Validating:Accepted',
      'Rendering:Validated',
      'Applying:Rendered',
      'Syncing:Applied',
      'Ready:Ready',
    ]);
    expect(ready.revisions[0].delivery).toEqual({ mode: 'direct', cluster: 'dev' });
    // the rendered artifacts are kept with the move to Applying
    expect(ready.revisions[0].artifacts.map(a => a.path)).toEqual(['configmap.yaml', '_platform/README.md']);
    expect(ready.history.find(x => x.phase === 'Applying')?.message).toBe('2 artifact(s) rendered');
    // nothing went to Git
    expect(await h.committer.readFolder(h.repo, 'main', 'nestor')).toEqual(new Map());

    await h.service.remove({ caller: testCaller(), id: deployment.id });
    await h.waitFor('Deleted', async () => (await h.store.deployments.get(deployment.id))?.phase === 'Deleted');
    expect(h.engine.destroyed).toEqual([deployment.ref]);
  });

  it('waits while the cluster answers 5xx, using no attempt (its circuit opens, then half-opens), and applies once it answers again', async () => {
    kubernetes = await KubernetesTestServer.start();
    const breakers = CircuitBreakers.create({ settings: { failureThreshold: 3, halfOpenAfterMs: 300 } });
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      maxAttempts: 2,
      breakers,
      teamOverrides: { delivery: 'direct' },
      clusters: [{ name: 'dev', url: kubernetes.url, skipTLSVerify: true }],
    });
    // three failures open the circuit; the first test call fails too and opens it again
    kubernetes.injectFailure({ method: 'PATCH', status: 503, times: 4, message: 'etcdserver: request timed out' });
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest() });
    const waiting = await h.waitFor('a refusal by the open circuit', async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.conditions.find(c => c.type === 'Retrying')?.message?.includes('circuit open') ? d : undefined;
    });
    expect(waiting.phase).toBe('Applying');
    expect(waiting.attempts).toBe(0);
    expect(waiting.conditions.find(c => c.type === 'Retrying')).toMatchObject({ reason: 'DependencyUnavailable', message: expect.stringContaining('cluster dev is unavailable') });

    const syncing = await h.waitFor('Syncing', async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.phase === 'Syncing' ? d : undefined;
    });
    expect(syncing.history.map(x => x.phase)).toEqual(['Pending', 'Validating', 'Rendering', 'Applying', 'Syncing']);
    expect(kubernetes.requests.filter(r => r.method === 'PATCH' && r.status === 503)).toHaveLength(4);
    expect(kubernetes.getObject('v1', 'ConfigMap', 'orders-cache', 'team-a-dev')).toBeDefined();
    expect(breakers.statuses()[0].transitions.map(t => t.state)).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('commits once when someone else pushed to the GitOps branch meanwhile (fetch, rebase, push again)', async () => {
    h = await startDeploymentHarness({ databases, databaseId: 'SQLITE_3' });
    h.coordinator('replica-1');
    const first = (await h.service.submit({ caller: testCaller(), request: testRequest({ name: 'first' }) })).deployment;
    await h.waitFor('first committed', async () => (await h.store.deployments.get(first.id))?.phase === 'Syncing');
    // a person pushes to the branch: the committer's cached head is now stale
    const human = await h.checkout();
    const theirs = await human.commitAndPush({ 'nestor/README.md': '# infra\n' }, 'a person was here');

    const second = (await h.service.submit({ caller: testCaller(), request: testRequest({ name: 'second' }) })).deployment;
    const syncing = await h.waitFor('second committed', async () => {
      const d = await h.store.deployments.get(second.id);
      return d?.phase === 'Syncing' ? d : undefined;
    });
    await human.git('pull', '--quiet', 'origin', 'main');
    const log = (await human.git('log', '--format=%s|%P')).split('\n');
    expect(log.filter(l => l.startsWith('nestor: deploy team-a/dev/second'))).toHaveLength(1);
    expect(log[0]).toBe(`nestor: deploy team-a/dev/second (revision 1) by user:default/jane|${theirs}`);
    expect(fs.readFileSync(path.join(human.dir, 'nestor/README.md'), 'utf8')).toBe('# infra\n');
    expect(syncing.revisions[0].delivery?.commit).toBe(await human.head());
  });
});
