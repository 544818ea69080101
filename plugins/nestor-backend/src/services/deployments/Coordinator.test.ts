import fs from 'node:fs';
import path from 'node:path';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Deployment, DeploymentPhase } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';
import { Coordinator } from './Coordinator';
import { DeploymentHarness, startDeploymentHarness, testRequest as request, testCaller } from './__testUtils__/startDeploymentHarness';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });


describe.each(databases.eachSupportedId())('Coordinator on %s', databaseId => {
  let h: DeploymentHarness;
  beforeEach(async () => {
    h = await startDeploymentHarness({ databases, databaseId });
  });
  afterEach(() => h.stop());

  const phaseOf = (id: string, phase: DeploymentPhase) => async () => {
    const d = await h.store.deployments.get(id);
    return d?.phase === phase ? d : undefined;
  };

  it('takes a deployment from Pending to Ready: render, commit, sync, every transition recorded and emitted in order', async () => {
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    await h.waitFor('Syncing', phaseOf(deployment.id, 'Syncing'));
    h.engine.ready.set(deployment.ref, { host: 'cache.internal' });
    const ready = await h.waitFor('Ready', phaseOf(deployment.id, 'Ready'));

    expect(ready.history.map(x => `${x.phase}:${x.reason}`)).toEqual([
      'Pending:Submitted',
      'Validating:Accepted',
      'Rendering:Validated',
      'Committed:Committed',
      'Syncing:WaitingForSync',
      'Ready:Ready',
    ]);
    expect(ready.history.every(x => !Number.isNaN(Date.parse(x.at)))).toBe(true);
    expect(ready.outputs).toEqual({ host: 'cache.internal' });
    const revision = ready.revisions[0];
    expect(revision.artifacts.map(a => a.path)).toEqual(['configmap.yaml', '_platform/README.md']);
    expect(revision.delivery).toMatchObject({ mode: 'gitops', repo: h.repo, branch: 'main', path: 'nestor/dev/orders-cache' });

    const tree = await h.checkout();
    const committed = YAML.parse(fs.readFileSync(path.join(tree.dir, 'nestor/dev/orders-cache/configmap.yaml'), 'utf8'));
    expect(committed.data.parameters).toBe(JSON.stringify({ size: 'small', replicas: 1, tier: 'standard' }));
    expect(fs.readFileSync(path.join(tree.dir, 'nestor/_platform/cache/README.md'), 'utf8')).toBe('# cache@1.0.0\n');
    const messages = (await tree.git('log', '--format=%B%x00')).split('\0').map(m => m.trim()).filter(Boolean);
    expect(messages[0]).toBe(
      `nestor: deploy team-a/dev/orders-cache (revision 1) by user:default/jane\n\nNestor-Ref: team-a/dev/orders-cache\nNestor-Deployment-Id: ${deployment.id}\nNestor-Revision: 1`,
    );
    expect(revision.delivery?.commit).toBe(await tree.head());

    await h.waitFor('deployment.completed', async () => (await h.events()).some(e => e.type === 'deployment.completed'));
    const events = (await h.events()).filter(e => e.ref === deployment.ref);
    expect(events.map(e => (e.type === 'deployment.phase' ? `phase:${(e.payload as { to: string }).to}` : e.type))).toEqual([
      'deployment.created',
      'phase:Validating',
      'phase:Rendering',
      'gitops.committed',
      'gitops.committed',
      'phase:Committed',
      'phase:Syncing',
      'phase:Ready',
      'deployment.completed',
    ]);
    expect(events.map(e => e.id)).toEqual([...events.map(e => e.id)].sort((a, b) => a - b));
  });

  it('retries transient engine errors with backoff, then succeeds', async () => {
    h.engine.transientRenderFailures = 2;
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    const syncing = await h.waitFor('Syncing', phaseOf(deployment.id, 'Syncing'));
    expect(syncing.attempts).toBe(0);
    expect(h.engine.renders).toEqual([deployment.ref]);
    expect(syncing.history.filter(x => x.phase === 'Rendering')).toHaveLength(1);
  });

  it('fails with the cause when transient errors outlast the attempts', async () => {
    h.engine.transientRenderFailures = 100;
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    const failed = await h.waitFor('Failed', phaseOf(deployment.id, 'Failed'));
    expect(failed.history[failed.history.length - 1]).toMatchObject({
      phase: 'Failed',
      reason: 'RetriesExhausted',
      message: 'the engine backend is unavailable (503) (gave up after 3 attempts)',
    });
    expect(failed.attempts).toBe(3);
    expect(failed.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason: 'RetriesExhausted' })]);
    // the event follows the write
    const failedEvent = await h.waitFor('deployment.failed', async () => (await h.events()).find(e => e.type === 'deployment.failed'));
    expect(failedEvent.payload).toMatchObject({ reason: 'RetriesExhausted' });
  });

  it('fails at once on an error that is not transient', async () => {
    h.engine.permanentRenderError = 'template references unknown parameter "colour"';
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    const failed = await h.waitFor('Failed', phaseOf(deployment.id, 'Failed'));
    expect(failed.attempts).toBe(1);
    expect(failed.history[failed.history.length - 1]).toMatchObject({ reason: 'EngineError', message: 'template references unknown parameter "colour"' });
  });

  it('never lets two replicas run the same deployment', async () => {
    const a = h.coordinator('replica-a');
    const b = h.coordinator('replica-b');
    const submitted: Deployment[] = [];
    for (let i = 0; i < 8; i++) {
      submitted.push((await h.service.submit({ caller: testCaller(['team-a', 'team-b']), request: request({ team: i % 2 ? 'team-a' : 'team-b', name: `c${i}` }) })).deployment);
    }
    for (const d of submitted) await h.waitFor(`${d.ref} Syncing`, phaseOf(d.id, 'Syncing'));
    expect([...h.engine.renders].sort()).toEqual(submitted.map(d => d.ref).sort());
    for (const d of submitted) h.engine.ready.set(d.ref, {});
    for (const d of submitted) {
      const done = await h.waitFor(`${d.ref} Ready`, phaseOf(d.id, 'Ready'));
      expect(done.history.map(x => x.phase)).toEqual(['Pending', 'Validating', 'Rendering', 'Committed', 'Syncing', 'Ready']);
    }
    const tree = await h.checkout();
    const subjects = (await tree.git('log', '--format=%s')).split('\n').filter(s => s.startsWith('nestor: deploy'));
    expect(subjects).toHaveLength(8);
    expect(a.activeCount() + b.activeCount()).toBe(0);
  });

  it('resumes a crashed replica\'s deployment once its lease expires, and the zombie cannot write', async () => {
    let release!: () => void;
    h.engine.renderGate = new Promise(resolve => (release = resolve));
    let dead = false;
    const crashed = h.coordinator('replica-crashed', { leaseMs: 600, dead: () => dead });
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    await h.waitFor('the first replica holding it in Rendering', async () => crashed.activeCount() === 1 && (await h.store.deployments.get(deployment.id))?.phase === 'Rendering');
    dead = true; // it stops renewing its lease, mid-render
    h.engine.renderGate = undefined;
    h.coordinator('replica-survivor', { leaseMs: 600 });
    const syncing = await h.waitFor('the survivor to render and commit', phaseOf(deployment.id, 'Syncing'));
    expect(h.engine.renders).toEqual([deployment.ref]);
    // the stuck render of the dead replica returns late: its writes conflict and it gives up
    release();
    await h.waitFor('the zombie to give up', async () => crashed.activeCount() === 0);
    h.engine.ready.set(deployment.ref, {});
    const ready = await h.waitFor('Ready', phaseOf(deployment.id, 'Ready'));
    expect(syncing.history.filter(x => x.phase === 'Committed')).toHaveLength(1);
    expect(ready.history.map(x => x.phase)).toEqual(['Pending', 'Validating', 'Rendering', 'Committed', 'Syncing', 'Ready']);
    const tree = await h.checkout();
    expect((await tree.git('log', '--format=%s')).split('\n').filter(x => x.startsWith('nestor: deploy'))).toHaveLength(1);
  });

  it('holds a deployment until its dependencies run', async () => {
    h.coordinator('replica-1');
    const db = (await h.service.submit({ caller: testCaller(), request: request({ name: 'db' }) })).deployment;
    const app = (await h.service.submit({ caller: testCaller(), request: request({ name: 'app', dependsOn: ['team-a/dev/db'] }) })).deployment;
    const waiting = await h.waitFor('app waiting', async () => {
      const d = await h.store.deployments.get(app.id);
      return d?.conditions.find(c => c.type === 'DependenciesReady' && c.status === 'False') ? d : undefined;
    });
    expect(waiting.phase).toBe('Pending');
    expect(waiting.conditions.find(c => c.type === 'DependenciesReady')?.message).toMatch(/waiting for team-a\/dev\/db \((Pending|Validating|Rendering|Committed|Syncing)\)/);
    h.engine.ready.set(db.ref, { host: 'db.internal' });
    await h.waitFor('db Ready', phaseOf(db.id, 'Ready'));
    await h.waitFor('app Syncing', phaseOf(app.id, 'Syncing'));
    expect(h.engine.renders).toEqual([db.ref, app.ref]);
  });

  it('starts a submitted deployment at once on the replica that admitted it, without waiting for a poll', async () => {
    const c = h.coordinator('replica-1', { pollIntervalMs: 600_000 });
    await h.waitFor('the first poll done', async () => {
      await new Promise(r => setTimeout(r, 50));
      return true;
    });
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    await h.waitFor('Syncing, long before the next poll', phaseOf(deployment.id, 'Syncing'), 10_000);
    expect(h.engine.renders).toEqual([deployment.ref]);
    // then waits for its status as a lease, off the worker
    await h.waitFor('the worker free again', async () => c.activeCount() === 0);
  });

  it('takes work offered while every worker is busy once a worker is free', async () => {
    let release!: () => void;
    h.engine.renderGate = new Promise(resolve => (release = resolve));
    const c = h.coordinator('replica-1', { concurrency: 1, pollIntervalMs: 600_000 });
    const first = (await h.service.submit({ caller: testCaller(), request: request({ name: 'first' }) })).deployment;
    await h.waitFor('first rendering', phaseOf(first.id, 'Rendering'));
    const second = (await h.service.submit({ caller: testCaller(), request: request({ name: 'second' }) })).deployment;
    await new Promise(r => setTimeout(r, 200));
    expect((await h.store.deployments.get(second.id))?.phase).toBe('Pending');
    expect(c.activeCount()).toBe(1);
    h.engine.renderGate = undefined;
    release();
    await h.waitFor('second Syncing', phaseOf(second.id, 'Syncing'), 10_000);
  });

  it('reads a deployment only when a write by someone else may have changed it: leased at the version read, then the version each step wrote', async () => {
    const deployments = h.store.deployments;
    const reads: string[] = [];
    let release!: () => void;
    const worker = Coordinator.create({
      store: {
        get: id => {
          reads.push(id);
          return deployments.get(id);
        },
        findUnleased: (phases, limit) => deployments.findUnleased(phases, limit),
        acquireLease: (id, owner, ttl, at) => deployments.acquireLease(id, owner, ttl, at),
        releaseLease: (id, owner) => deployments.releaseLease(id, owner),
      },
      runner: h.runner,
      logger: mockServices.logger.mock(),
      owner: 'replica-counting',
      pollIntervalMs: 20,
      leaseMs: 2000,
      concurrency: 2,
      perTeamConcurrency: 2,
    });
    worker.start();
    try {
      // found by a poll, taken at the version read: Pending → Syncing without a read
      const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
      await h.waitFor('Syncing', phaseOf(deployment.id, 'Syncing'));
      // picked up again when its status wait is over, and finished
      h.engine.ready.set(deployment.ref, {});
      await h.waitFor('Ready', phaseOf(deployment.id, 'Ready'));
      expect(reads).toEqual([]);

      // cancelled while it renders: the step's write conflicts, the worker reads it again and tears it down
      h.engine.renderGate = new Promise(resolve => (release = resolve));
      const other = (await h.service.submit({ caller: testCaller(), request: request({ name: 'other' }) })).deployment;
      await h.waitFor('other rendering', phaseOf(other.id, 'Rendering'));
      expect((await h.service.remove({ caller: testCaller(), id: other.id })).phase).toBe('Deleting');
      h.engine.renderGate = undefined;
      release();
      const cancelled = await h.waitFor('other Cancelled', phaseOf(other.id, 'Cancelled'));
      expect(cancelled.history.map(x => x.phase)).toEqual(['Pending', 'Validating', 'Rendering', 'Deleting', 'Cancelled']);
      expect(reads).toContain(other.id);
    } finally {
      await worker.stop();
    }
  });

  it('limits the deployments of one team worked on at once', async () => {
    let release!: () => void;
    h.engine.renderGate = new Promise(resolve => (release = resolve));
    const c = h.coordinator('replica-1', { perTeamConcurrency: 1 });
    const a1 = (await h.service.submit({ caller: testCaller(['team-a', 'team-b']), request: request({ name: 'a1' }) })).deployment;
    const a2 = (await h.service.submit({ caller: testCaller(['team-a', 'team-b']), request: request({ name: 'a2' }) })).deployment;
    const b1 = (await h.service.submit({ caller: testCaller(['team-a', 'team-b']), request: request({ team: 'team-b', name: 'b1' }) })).deployment;
    await h.waitFor('two deployments in flight', async () => c.activeCount() === 2);
    await new Promise(r => setTimeout(r, 200));
    const phases = await Promise.all([a1, a2, b1].map(async d => (await h.store.deployments.get(d.id))!.phase));
    expect(phases.filter(p => p === 'Rendering')).toHaveLength(2);
    expect(c.activeCount()).toBe(2);
    release();
    h.engine.renderGate = undefined;
    for (const d of [a1, a2, b1]) await h.waitFor(`${d.ref} Syncing`, phaseOf(d.id, 'Syncing'));
  });

  it('tears down a delivered deployment: cancel in progress ends Cancelled, teardown of a Ready one ends Deleted, files removed', async () => {
    h.coordinator('replica-1');
    const one = (await h.service.submit({ caller: testCaller(), request: request({ name: 'one' }) })).deployment;
    const two = (await h.service.submit({ caller: testCaller(), request: request({ name: 'two' }) })).deployment;
    await h.waitFor('one Syncing', phaseOf(one.id, 'Syncing'));
    h.engine.ready.set(two.ref, {});
    await h.waitFor('two Ready', phaseOf(two.id, 'Ready'));

    expect((await h.service.remove({ caller: testCaller(), id: one.id })).phase).toBe('Deleting');
    expect((await h.service.remove({ caller: testCaller(), id: two.id })).phase).toBe('Deleting');
    const cancelled = await h.waitFor('one Cancelled', phaseOf(one.id, 'Cancelled'));
    const deleted = await h.waitFor('two Deleted', phaseOf(two.id, 'Deleted'));
    expect(cancelled.history.slice(-2).map(x => `${x.phase}:${x.reason}`)).toEqual(['Deleting:CancelRequested', 'Cancelled:Cancelled']);
    expect(deleted.history.slice(-2).map(x => `${x.phase}:${x.reason}`)).toEqual(['Deleting:TeardownRequested', 'Deleted:TornDown']);
    const tree = await h.checkout();
    expect(fs.existsSync(path.join(tree.dir, 'nestor/dev/one'))).toBe(false);
    expect(fs.existsSync(path.join(tree.dir, 'nestor/dev/two'))).toBe(false);
    const subjects = (await tree.git('log', '--format=%s')).split('\n');
    expect(subjects.filter(s => s.startsWith('nestor: delete'))).toHaveLength(2);
  });

  it('rolls back to an earlier revision by redelivering its artifacts, and ends RolledBack', async () => {
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({ caller: testCaller(), request: request() });
    h.engine.ready.set(deployment.ref, {});
    await h.waitFor('Ready', phaseOf(deployment.id, 'Ready'));
    await h.service.submit({ caller: testCaller(), request: request({ parameters: { size: 'large', replicas: 3 } }) });
    await h.waitFor('revision 2 Ready', async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.currentRevision === 2 && d.phase === 'Ready' ? d : undefined;
    });
    const tree = await h.checkout();
    const read = () => YAML.parse(fs.readFileSync(path.join(tree.dir, 'nestor/dev/orders-cache/configmap.yaml'), 'utf8')).data;
    expect(read()).toMatchObject({ revision: '2' });

    const rolling = await h.service.rollback({ caller: testCaller(), id: deployment.id });
    expect(rolling).toMatchObject({ phase: 'Pending', currentRevision: 3, parameters: { size: 'small', replicas: 1, tier: 'standard' } });
    const rolledBack = await h.waitFor('RolledBack', phaseOf(deployment.id, 'RolledBack'));
    expect(rolledBack.revisions.map(r => r.reason)).toEqual(['Submitted', 'Updated', 'Rollback to revision 1']);
    // the artifacts of revision 1 were delivered again, not re-rendered
    expect(h.engine.renders).toEqual([deployment.ref, deployment.ref]);
    await tree.git('pull', '--quiet', 'origin', 'main');
    expect(read()).toMatchObject({ revision: '1', parameters: JSON.stringify({ size: 'small', replicas: 1, tier: 'standard' }) });
    expect((await tree.git('log', '-1', '--format=%s'))).toBe('nestor: rollback team-a/dev/orders-cache (revision 3) by user:default/jane');
    const completed = await h.waitFor('three completions', async () => {
      const found = (await h.events()).filter(e => e.type === 'deployment.completed');
      return found.length === 3 ? found : undefined;
    });
    expect(completed.map(e => (e.payload as { phase: string }).phase)).toEqual([
      'Ready',
      'Ready',
      'RolledBack',
    ]);
  });
});
