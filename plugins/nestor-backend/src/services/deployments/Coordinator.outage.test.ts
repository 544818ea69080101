/*
 * A GitOps deployment while its Git server is down (a real `git http-backend`
 * server that stops listening, then listens again on the same port): the
 * commit fails, the Git host's circuit breaker opens, and the deployment
 * waits in Rendering without using its attempts, however long that lasts;
 * once Git is back it commits and carries on. Nothing is lost.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { gitDependency } from '../catalog/sources/gitDependency';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import {
  DeploymentHarness,
  startDeploymentHarness,
  testCaller,
  testRequest,
} from './__testUtils__/startDeploymentHarness';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('a GitOps deployment while Git is down', () => {
  let h: DeploymentHarness;
  afterEach(async () => {
    await h?.git.resume();
    await h?.stop();
  });

  it('waits without using attempts while the circuit is open, then commits once Git is back', async () => {
    const breakers = CircuitBreakers.create({
      settings: { failureThreshold: 2, halfOpenAfterMs: 400 },
    });
    // two attempts: an ordinary transient error would fail it on the second
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      maxAttempts: 2,
      breakers,
    });
    const git = gitDependency(h.repo);
    await h.git.suspend();
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({
      caller: testCaller(),
      request: testRequest(),
    });

    await h.waitFor(
      'the circuit to open',
      async () => breakers.state(git) === 'open',
    );
    const refused = await h.waitFor(
      'a refusal by the open circuit',
      async () => {
        const d = await h.store.deployments.get(deployment.id);
        const retrying = d?.conditions.find(c => c.type === 'Retrying');
        return retrying?.message?.includes('circuit open') ? d : undefined;
      },
    );
    expect(refused.phase).toBe('Rendering');
    expect(refused.attempts).toBe(0);
    expect(refused.conditions.find(c => c.type === 'Retrying')).toMatchObject({
      status: 'True',
      reason: 'DependencyUnavailable',
      message: expect.stringContaining(
        `Rendering: Git host ${git.target} is unavailable`,
      ),
    });

    // several breaker periods later it is still waiting, not failed
    await new Promise(r => setTimeout(r, 1000));
    const still = (await h.store.deployments.get(deployment.id))!;
    expect(still.phase).toBe('Rendering');
    expect(still.attempts).toBe(0);
    expect(breakers.statuses()[0].transitions.map(t => t.state)).toEqual(
      expect.arrayContaining(['open', 'half-open']),
    );

    await h.git.resume();
    const syncing = await h.waitFor('Syncing', async () => {
      const d = await h.store.deployments.get(deployment.id);
      return d?.phase === 'Syncing' ? d : undefined;
    });
    expect(syncing.history.map(x => x.phase)).toEqual([
      'Pending',
      'Validating',
      'Rendering',
      'Committed',
      'Syncing',
    ]);
    expect(syncing.conditions.find(c => c.type === 'Retrying')).toBeUndefined();
    expect(syncing.revisions[0].delivery?.commit).toBe(
      await (await h.checkout()).head(),
    );
    expect(breakers.state(git)).toBe('closed');
  });
});
