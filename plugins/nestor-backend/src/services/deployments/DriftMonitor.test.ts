import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Deployment, NestorEvent } from '@nestor/plugin-nestor-common';
import { EngineDriftReport, EngineRenderContext } from '@nestor/plugin-nestor-node';
import { DeploymentHarness, startDeploymentHarness, testCaller, testRequest } from './__testUtils__/startDeploymentHarness';
import { TestEngine } from './__testUtils__/TestEngine';
import { DriftCheckOutcome, DriftMonitor } from './DriftMonitor';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The test engine with a drift check of its own: it answers what the test sets, per ref. */
class DriftingTestEngine extends TestEngine {
  readonly drift = new Map<string, EngineDriftReport | undefined>();
  /** runs inside each check (to change the deployment while it is checked) */
  during?: (context: EngineRenderContext) => Promise<void>;
  readonly checked: string[] = [];

  async detectDrift(context: EngineRenderContext): Promise<EngineDriftReport | undefined> {
    this.checked.push(context.deployment.ref);
    await this.during?.(context);
    return this.drift.get(context.deployment.ref);
  }
}

describe.each(databases.eachSupportedId())('DriftMonitor on %s', databaseId => {
  let h: DeploymentHarness;
  afterEach(() => h.stop());

  async function start(engine: TestEngine) {
    h = await startDeploymentHarness({ databases, databaseId, engine });
    h.coordinator('replica-1');
  }

  /** Orders `name` and waits until it is Ready and the coordinator has let go of its lease. */
  async function ready(name: string): Promise<Deployment> {
    const { deployment } = await h.service.submit({ caller: testCaller(), request: testRequest({ name }) });
    h.engine.ready.set(deployment.ref, { host: `${name}.internal` });
    const done = await h.waitFor(`${name} Ready`, async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.phase === 'Ready' ? d : undefined;
    });
    await h.waitFor(`the lease of ${name} released`, async () => {
      if (!(await h.store.deployments.acquireLease(deployment.id, 'probe', 1000))) return false;
      await h.store.deployments.releaseLease(deployment.id, 'probe');
      return true;
    });
    return done;
  }

  function monitor(options: { pageSize?: number } = {}) {
    const counted: Array<{ ref?: string; outcome: DriftCheckOutcome }> = [];
    const m = DriftMonitor.create({
      store: h.store.deployments,
      runner: h.runner,
      events: { publish: events => h.store.events.append(events) },
      logger: mockServices.logger.mock(),
      metrics: { driftChecked: (d, outcome) => counted.push({ ref: (d as Deployment).ref, outcome }) },
      owner: 'drift-monitor',
      leaseMs: 2000,
      pageSize: options.pageSize ?? 50,
    });
    return { m, counted };
  }

  const driftEvents = async (ref: string) =>
    (await h.events()).filter(e => e.ref === ref && e.type === 'deployment.phase' && (e.payload as { from: string; to: string }).from === (e.payload as { to: string }).to);
  const drifted = (d: Deployment | undefined) => d?.conditions.find(c => c.type === 'Drifted');

  it("sets Drifted=True from the engine's check with an event in the same phase, writes nothing while nothing changes, and clears it when the drift is gone", async () => {
    const engine = new DriftingTestEngine();
    await start(engine);
    const a = await ready('orders-cache');
    const b = await ready('orders-db');
    const c = await ready('orders-queue');
    engine.drift.set(a.ref, { drifted: true, message: 'Plan: 1 to add, 0 to change, 0 to destroy.', details: '# module.this.x will be created' });
    engine.drift.set(b.ref, { drifted: false, message: 'no changes' });
    // c: the engine has no answer of its own, so its status (Ready) decides
    const { m, counted } = monitor({ pageSize: 1 });

    expect(await m.run()).toEqual({ 'in-sync': 2, drifted: 1, unknown: 0, skipped: 0, failed: 0, changed: 1 });
    expect(engine.checked.sort()).toEqual([a.ref, b.ref, c.ref].sort());
    const afterDrift = (await h.store.deployments.get(a.id))!;
    expect(afterDrift.phase).toBe('Ready');
    expect(afterDrift.history).toEqual(a.history);
    expect(afterDrift.version).toBe(a.version + 1);
    expect(drifted(afterDrift)).toEqual({
      type: 'Drifted',
      status: 'True',
      reason: 'DriftDetected',
      message: 'Plan: 1 to add, 0 to change, 0 to destroy.',
      lastTransitionTime: expect.any(String),
    });
    // a deployment that never drifted gets no condition, and no write
    expect((await h.store.deployments.get(b.id))!.version).toBe(b.version);
    expect(drifted(await h.store.deployments.get(b.id))).toBeUndefined();
    expect(drifted(await h.store.deployments.get(c.id))).toBeUndefined();
    // no lease is left behind: the coordinator can take each deployment at once
    expect(await h.store.deployments.acquireLease(a.id, 'someone-else', 1000)).toBe(true);
    await h.store.deployments.releaseLease(a.id, 'someone-else');

    const [event] = await driftEvents(a.ref);
    expect(event).toMatchObject({
      type: 'deployment.phase',
      team: 'team-a',
      ref: a.ref,
      payload: {
        from: 'Ready',
        to: 'Ready',
        reason: 'DriftDetected',
        message: 'Plan: 1 to add, 0 to change, 0 to destroy.',
        condition: drifted(afterDrift),
        drift: { drifted: true, message: 'Plan: 1 to add, 0 to change, 0 to destroy.', details: '# module.this.x will be created' },
        deployment: { id: a.id, phase: 'Ready', conditions: expect.arrayContaining([drifted(afterDrift)]) },
      },
    });
    expect(counted.filter(x => x.outcome === 'drifted').map(x => x.ref)).toEqual([a.ref]);

    // still drifted, same plan: no write, no event
    expect(await m.run()).toMatchObject({ drifted: 1, changed: 0 });
    expect((await h.store.deployments.get(a.id))!.version).toBe(afterDrift.version);
    expect(await driftEvents(a.ref)).toHaveLength(1);

    // the drift was corrected (by the team, or the engine's controller)
    engine.drift.set(a.ref, { drifted: false, message: 'no changes' });
    expect(await m.run()).toEqual({ 'in-sync': 3, drifted: 0, unknown: 0, skipped: 0, failed: 0, changed: 1 });
    const resolved = (await h.store.deployments.get(a.id))!;
    expect(resolved.phase).toBe('Ready');
    expect(drifted(resolved)).toMatchObject({ status: 'False', reason: 'DriftResolved', message: 'no changes' });
    const events = await driftEvents(a.ref);
    expect(events).toHaveLength(2);
    expect(events[1].payload).toMatchObject({ from: 'Ready', to: 'Ready', reason: 'DriftResolved', drift: { drifted: false } });
    expect(await m.run()).toMatchObject({ changed: 0 });
  });

  it('skips a deployment whose lease another worker holds, and checks it once the lease is free', async () => {
    const engine = new DriftingTestEngine();
    await start(engine);
    const a = await ready('orders-cache');
    engine.drift.set(a.ref, { drifted: true, message: 'changed behind our back' });
    expect(await h.store.deployments.acquireLease(a.id, 'replica-2', 60_000)).toBe(true);
    const { m } = monitor();

    expect(await m.run()).toMatchObject({ skipped: 1, drifted: 0, changed: 0 });
    expect(engine.checked).toEqual([]);
    expect(drifted(await h.store.deployments.get(a.id))).toBeUndefined();
    // the monitor did not take or free the other worker's lease
    expect(await h.store.deployments.acquireLease(a.id, 'replica-3', 1000)).toBe(false);

    await h.store.deployments.releaseLease(a.id, 'replica-2');
    expect(await m.run()).toMatchObject({ skipped: 0, drifted: 1, changed: 1 });
    expect(drifted(await h.store.deployments.get(a.id))).toMatchObject({ status: 'True', message: 'changed behind our back' });
  });

  it('keeps a write made while it checked (it writes again on the new version), and leaves a deployment that moved on to a new revision alone', async () => {
    const engine = new DriftingTestEngine();
    await start(engine);
    const a = await ready('orders-cache');
    engine.drift.set(a.ref, { drifted: true, message: 'drifted' });
    // another writer changes the deployment while the engine checks it
    engine.during = async () => {
      engine.during = undefined;
      const current = (await h.store.deployments.get(a.id))!;
      await h.store.deployments.update({ ...current, conditions: [...current.conditions, { type: 'Audited', status: 'True', reason: 'Seen', lastTransitionTime: new Date().toISOString() }] }, current.version);
    };
    const { m } = monitor();
    expect(await m.run()).toMatchObject({ drifted: 1, changed: 1, failed: 0 });
    const both = (await h.store.deployments.get(a.id))!;
    expect(both.conditions.map(c => `${c.type}=${c.status}`)).toEqual(expect.arrayContaining(['Audited=True', 'Drifted=True']));
    expect(both.version).toBe(a.version + 2);

    // a new revision is ordered while the check runs: the finding is about what no longer runs
    engine.drift.set(a.ref, { drifted: true, message: 'a finding about revision 1' });
    engine.during = async () => {
      engine.during = undefined;
      await h.service.submit({ caller: testCaller(), request: testRequest({ parameters: { size: 'large' } }) });
    };
    expect(await m.run()).toMatchObject({ drifted: 1, changed: 0, failed: 0 });
    const moved = (await h.store.deployments.get(a.id))!;
    expect(moved.currentRevision).toBe(2);
    // a new revision starts without conditions, and the finding was not written onto it
    expect(drifted(moved)).toBeUndefined();
    // and the coordinator takes the new revision through once the check let go of the lease
    const redeployed = await h.waitFor('revision 2 Ready', async () => {
      const d = await h.store.deployments.get(a.id);
      return d?.phase === 'Ready' && d.currentRevision === 2 ? d : undefined;
    });
    expect(redeployed.history.slice(-1)[0]).toMatchObject({ phase: 'Ready' });
  });

  it("judges an engine without a check of its own from its status: no longer Ready is drift; no phase tells nothing", async () => {
    const engine = new TestEngine();
    const unknown = new Set<string>();
    const status = engine.status.bind(engine);
    engine.status = async (context, target) =>
      unknown.has(context.deployment.ref) ? { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NoCluster', lastTransitionTime: new Date().toISOString() }] } : status(context, target);
    await start(engine);
    const a = await ready('orders-cache');
    const b = await ready('orders-db');
    const { m } = monitor();
    expect(await m.run()).toMatchObject({ 'in-sync': 2, drifted: 0, changed: 0 });

    engine.failing.set(a.ref, 'Synced=False (ReconcileError): cannot update the bucket');
    unknown.add(b.ref);
    expect(await m.run()).toMatchObject({ 'in-sync': 0, drifted: 1, unknown: 1, changed: 1 });
    const found = (await h.store.deployments.get(a.id))!;
    expect(found.phase).toBe('Ready');
    expect(drifted(found)).toMatchObject({
      status: 'True',
      reason: 'DriftDetected',
      message: 'the engine reports Failed: Synced=False (ReconcileError): cannot update the bucket',
    });
    const [event] = await driftEvents(a.ref);
    expect((event as NestorEvent).payload).toMatchObject({ drift: { drifted: true, details: 'Ready=False (Broken)' } });
    expect(drifted(await h.store.deployments.get(b.id))).toBeUndefined();

    engine.failing.delete(a.ref);
    expect(await m.run()).toMatchObject({ 'in-sync': 1, unknown: 1, changed: 1 });
    expect(drifted(await h.store.deployments.get(a.id))).toMatchObject({ status: 'False', reason: 'DriftResolved', message: 'the engine reports Ready' });
  });

  it('counts a failing check and goes on with the others', async () => {
    const engine = new DriftingTestEngine();
    await start(engine);
    const a = await ready('orders-cache');
    const b = await ready('orders-db');
    engine.drift.set(b.ref, { drifted: true, message: 'drifted' });
    engine.during = async context => {
      if (context.deployment.ref === a.ref) throw new Error('terraform plan failed: provider unreachable');
    };
    const { m, counted } = monitor();
    expect(await m.run()).toMatchObject({ failed: 1, drifted: 1, changed: 1 });
    expect(counted).toEqual(expect.arrayContaining([{ ref: a.ref, outcome: 'failed' }, { ref: b.ref, outcome: 'drifted' }]));
    // its lease is free again
    expect(await h.store.deployments.acquireLease(a.id, 'replica-2', 1000)).toBe(true);
  });
});
