/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { DeploymentPhase } from '@nestor/plugin-nestor-common';
import { createTestDeployment } from '../createTestDeployment';
import { StoreGetter } from './types';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Worker leases, the coordinator's work queue and the graph records. */
export function describeDeploymentLeaseContract(getStore: StoreGetter) {
  async function create(
    name: string,
    phase: DeploymentPhase = 'Pending',
    dependsOn: string[] = [],
  ) {
    const { deployment } = await getStore().deployments.create(
      createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name,
        phase,
        dependsOn,
      }),
    );
    return deployment;
  }

  describe('deployments: leases', () => {
    it('gives a lease to one owner at a time and lets that owner renew it', async () => {
      const store = getStore();
      const d = await create('db');
      expect(
        await store.deployments.acquireLease(d.id, 'worker-1', 60_000),
      ).toBe(true);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000),
      ).toBe(false);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-1', 60_000),
      ).toBe(true);
      expect(
        await store.deployments.acquireLease('missing', 'worker-1', 60_000),
      ).toBe(false);
    });

    it('lets another owner take an expired lease', async () => {
      const store = getStore();
      const d = await create('db');
      expect(await store.deployments.acquireLease(d.id, 'worker-1', 100)).toBe(
        true,
      );
      await sleep(200);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000),
      ).toBe(true);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-1', 60_000),
      ).toBe(false);
    });

    it('releases only the owner’s lease', async () => {
      const store = getStore();
      const d = await create('db');
      await store.deployments.acquireLease(d.id, 'worker-1', 60_000);
      await store.deployments.releaseLease(d.id, 'worker-2');
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000),
      ).toBe(false);
      await store.deployments.releaseLease(d.id, 'worker-1');
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000),
      ).toBe(true);
    });

    it('gives a contended lease to exactly one of many concurrent workers', async () => {
      const store = getStore();
      const d = await create('db');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.deployments.acquireLease(d.id, `worker-${i}`, 60_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }, 30_000);

    it('takes a lease at a version only while the deployment is still at it', async () => {
      const store = getStore();
      const d = await create('db');
      expect(
        await store.deployments.acquireLease(d.id, 'worker-1', 60_000, {
          version: 1,
        }),
      ).toBe(false);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-1', 60_000, {
          version: 0,
        }),
      ).toBe(true);
      // the version does not open a lease another owner holds
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000, {
          version: 0,
        }),
      ).toBe(false);
      await store.deployments.update({ ...d, phase: 'Validating' }, 0);
      await store.deployments.releaseLease(d.id, 'worker-1');
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000, {
          version: 0,
        }),
      ).toBe(false);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000, {
          version: 1,
        }),
      ).toBe(true);
      expect(
        await store.deployments.acquireLease('missing', 'worker-1', 60_000, {
          version: 0,
        }),
      ).toBe(false);
    });

    it('keeps leases apart from optimistic versions', async () => {
      const store = getStore();
      const d = await create('db');
      await store.deployments.acquireLease(d.id, 'worker-1', 60_000);
      expect((await store.deployments.get(d.id))?.version).toBe(0);
      const updated = await store.deployments.update(
        { ...d, phase: 'Rendering' },
        0,
      );
      expect(updated.version).toBe(1);
      expect(
        await store.deployments.acquireLease(d.id, 'worker-2', 60_000),
      ).toBe(false);
    });
  });

  describe('deployments: work queue and graph', () => {
    it('finds deployments in the given phases whose lease is free or expired, oldest first', async () => {
      const store = getStore();
      const a = await create('a', 'Pending');
      const b = await create('b', 'Rendering');
      const c = await create('c', 'Pending');
      const d = await create('d', 'Ready');
      const e = await create('e', 'Syncing');
      await store.deployments.acquireLease(c.id, 'worker-1', 60_000);
      await store.deployments.acquireLease(e.id, 'worker-1', 50);
      await sleep(150);

      const found = await store.deployments.findUnleased(
        ['Pending', 'Rendering', 'Syncing'],
        10,
      );
      expect(found.map(x => x.name)).toEqual(['a', 'b', 'e']);
      expect(found[0]).toEqual(a);
      expect(
        (
          await store.deployments.findUnleased(
            ['Pending', 'Rendering', 'Syncing'],
            2,
          )
        ).map(x => x.id),
      ).toEqual([a.id, b.id]);
      expect(await store.deployments.findUnleased(['Failed'], 10)).toEqual([]);
      expect(await store.deployments.findUnleased([], 10)).toEqual([]);

      await store.deployments.releaseLease(c.id, 'worker-1');
      expect(
        (await store.deployments.findUnleased(['Pending'], 10)).map(
          x => x.name,
        ),
      ).toEqual(['a', 'c']);
      expect(
        (await store.deployments.findUnleased(['Ready'], 10)).map(x => x.id),
      ).toEqual([d.id]);
    });

    it('lists graph records of every deployment', async () => {
      const store = getStore();
      const vpc = await create('vpc', 'Ready');
      const db = await create('db', 'Pending', [
        'team-a/dev/vpc',
        'team-b/dev/dns',
      ]);
      await store.deployments.update({ ...vpc, phase: 'Deleted' }, 0);
      const records = await store.deployments.listGraphRecords();
      const byName = [...records].sort((x, y) => x.ref.localeCompare(y.ref));
      expect(byName).toEqual([
        {
          id: db.id,
          ref: 'team-a/dev/db',
          team: 'team-a',
          environment: 'dev',
          resource: db.resource,
          phase: 'Pending',
          dependsOn: ['team-a/dev/vpc', 'team-b/dev/dns'],
        },
        {
          id: vpc.id,
          ref: 'team-a/dev/vpc',
          team: 'team-a',
          environment: 'dev',
          resource: vpc.resource,
          phase: 'Deleted',
          dependsOn: [],
        },
      ]);
    });
  });
}
