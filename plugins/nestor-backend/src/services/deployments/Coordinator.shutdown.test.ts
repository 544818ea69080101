/*
 * Graceful shutdown of a replica's coordinator (what the plugin's shutdown
 * hook calls): `stop()` lets the step in flight finish, then releases the
 * deployment's lease, so another replica takes the deployment over at once
 * instead of after the lease expires.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentHarness,
  startDeploymentHarness,
  testCaller,
  testRequest,
} from './__testUtils__/startDeploymentHarness';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const LONG_LEASE_MS = 120_000;

describe('coordinator shutdown', () => {
  let h: DeploymentHarness;
  afterEach(() => h?.stop());

  it('finishes the step in flight, releases the lease, and another replica carries on at once', async () => {
    h = await startDeploymentHarness({ databases, databaseId: 'SQLITE_3' });
    let release!: () => void;
    h.engine.renderGate = new Promise(resolve => (release = resolve));
    const leaving = h.coordinator('replica-leaving', {
      leaseMs: LONG_LEASE_MS,
    });
    const { deployment } = await h.service.submit({
      caller: testCaller(),
      request: testRequest(),
    });
    await h.waitFor(
      'a render in flight',
      async () =>
        leaving.activeCount() === 1 &&
        (await h.store.deployments.get(deployment.id))?.phase === 'Rendering',
    );
    // held by the leaving replica: no one else may take it
    expect(
      (await h.store.deployments.findUnleased(['Rendering'], 10)).map(
        d => d.id,
      ),
    ).toEqual([]);

    let stopped = false;
    const stopping = leaving.stop().then(() => {
      stopped = true;
    });
    await new Promise(r => setTimeout(r, 200));
    // stop waits for the step in flight
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(leaving.activeCount()).toBe(0);
    // the step it was on completed: rendered and committed once
    const after = (await h.store.deployments.get(deployment.id))!;
    expect(h.engine.renders).toEqual([deployment.ref]);
    expect(after.history.map(x => x.phase)).toContain('Committed');
    // and its lease is free well before the lease time
    expect(
      (
        await h.store.deployments.findUnleased(['Committed', 'Syncing'], 10)
      ).map(d => d.id),
    ).toEqual([deployment.id]);

    h.coordinator('replica-staying', { leaseMs: LONG_LEASE_MS });
    h.engine.ready.set(deployment.ref, {});
    const ready = await h.waitFor(
      'the other replica to finish it',
      async () => {
        const d = await h.store.deployments.get(deployment.id);
        return d?.phase === 'Ready' ? d : undefined;
      },
      10_000,
    );
    expect(ready.history.map(x => x.phase)).toEqual([
      'Pending',
      'Validating',
      'Rendering',
      'Committed',
      'Syncing',
      'Ready',
    ]);
  });
});
