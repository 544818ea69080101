import { mockServices } from '@backstage/backend-test-utils';
import { NestorEvent, NestorEventType } from '@nestor/plugin-nestor-common';
import { DependencyGraphFollower } from './DependencyGraphFollower';

let nextId = 1;
function event(type: NestorEventType): NestorEvent {
  return {
    id: nextId++,
    type,
    team: 'team-a',
    ref: 'team-a/dev/db',
    time: new Date().toISOString(),
    payload: {},
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function setup(
  options: { debounceMs?: number; maxDelayMs?: number; reloadMs?: number } = {},
) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const follower = DependencyGraphFollower.create({
    logger: mockServices.logger.mock(),
    debounceMs: options.debounceMs ?? 30,
    maxDelayMs: options.maxDelayMs ?? 1000,
    reload: async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push(Date.now());
      await sleep(options.reloadMs ?? 0);
      inFlight--;
    },
  });
  return { follower, calls, maxInFlight: () => maxInFlight };
}

describe('DependencyGraphFollower', () => {
  it('reloads once for a burst of deployment and catalog events', async () => {
    const { follower, calls } = setup();
    follower.observe([event('deployment.created')]);
    follower.observe([event('deployment.phase'), event('catalog.updated')]);
    follower.observe([event('catalog.removed')]);
    await sleep(120);
    expect(calls).toHaveLength(1);
    expect(follower.reloads).toBe(1);
    await follower.stop();
  });

  it('ignores events that cannot change the graph', async () => {
    const { follower, calls } = setup();
    follower.observe([
      event('gitops.committed'),
      event('policy.violation'),
      event('catalog.sync.failed'),
      event('dependency.violation'),
    ]);
    await sleep(100);
    expect(calls).toHaveLength(0);
    await follower.stop();
  });

  it('still reloads within maxDelayMs while events keep coming', async () => {
    const { follower, calls } = setup({ debounceMs: 50, maxDelayMs: 150 });
    const started = Date.now();
    while (Date.now() - started < 400) {
      follower.observe([event('deployment.phase')]);
      await sleep(20);
    }
    // a pure debounce would never have fired while events came every 20 ms
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toBeLessThan(started + 400);
    await follower.stop();
  });

  it('never overlaps reloads, and runs one more for events seen during a reload', async () => {
    const { follower, calls, maxInFlight } = setup({
      debounceMs: 10,
      reloadMs: 100,
    });
    follower.observe([event('deployment.created')]);
    while (calls.length === 0) await sleep(5); // the first reload is running
    follower.observe([event('deployment.phase')]);
    follower.observe([event('deployment.completed')]);
    await sleep(300);
    expect(calls).toHaveLength(2);
    expect(maxInFlight()).toBe(1);
    await follower.stop();
  });

  it('runs nothing after stop, and stop waits for a running reload', async () => {
    const { follower, calls } = setup({ debounceMs: 10, reloadMs: 80 });
    follower.observe([event('deployment.created')]);
    while (calls.length === 0) await sleep(5);
    const stopped = Date.now();
    await follower.stop();
    // the reload takes 80 ms and had just begun
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(40);
    follower.observe([event('deployment.phase')]);
    await sleep(60);
    expect(calls).toHaveLength(1);
  });

  it('logs a failed reload and keeps following', async () => {
    const logger = mockServices.logger.mock();
    let fail = true;
    let reloads = 0;
    const follower = DependencyGraphFollower.create({
      logger,
      debounceMs: 10,
      reload: async () => {
        reloads++;
        if (fail) throw new Error('store is down');
      },
    });
    follower.observe([event('deployment.created')]);
    await sleep(50);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('store is down'),
    );
    fail = false;
    follower.observe([event('deployment.phase')]);
    await sleep(50);
    expect(reloads).toBe(2);
    await follower.stop();
  });
});
