/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { Deployment } from '@nestor/plugin-nestor-common';
import { NestorStore } from '../../store/types';
import { createTestDeployment } from '../createTestDeployment';
import { listAllDeployments } from './listAllDeployments';
import { rejectedNames } from './rejectedNames';
import { rejectionOf } from './rejectionOf';
import { StoreGetter } from './types';

async function createDb(store: NestorStore) {
  const { deployment } = await store.deployments.create(
    createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }),
  );
  return deployment;
}

/** Listing and optimistic updates of deployments. */
export function describeDeploymentUpdateContract(getStore: StoreGetter) {
  describe('deployments: list', () => {
    async function seed() {
      const specs = [
        {
          team: 'team-a',
          environment: 'dev',
          name: 'a1',
          resource: 'postgres-database',
          phase: 'Ready' as const,
        },
        {
          team: 'team-a',
          environment: 'prod',
          name: 'a2',
          resource: 'redis-cache',
          phase: 'Pending' as const,
        },
        {
          team: 'team-b',
          environment: 'dev',
          name: 'b1',
          resource: 'postgres-database',
          phase: 'Pending' as const,
        },
        {
          team: 'team-c',
          environment: 'dev',
          name: 'c1',
          resource: 'redis-cache',
          phase: 'Failed' as const,
        },
        {
          team: 'team-a',
          environment: 'dev',
          name: 'a3',
          resource: 'redis-cache',
          phase: 'Ready' as const,
        },
      ];
      for (const spec of specs) {
        await getStore().deployments.create(createTestDeployment(spec));
      }
    }

    it('lists in creation order and filters by team, teams, environment, phase and resource', async () => {
      await seed();
      expect(await listAllDeployments(getStore, {})).toEqual([
        'team-a/dev/a1',
        'team-a/prod/a2',
        'team-b/dev/b1',
        'team-c/dev/c1',
        'team-a/dev/a3',
      ]);
      expect(await listAllDeployments(getStore, { team: 'team-a' })).toEqual([
        'team-a/dev/a1',
        'team-a/prod/a2',
        'team-a/dev/a3',
      ]);
      expect(
        await listAllDeployments(getStore, { teams: ['team-b', 'team-c'] }),
      ).toEqual(['team-b/dev/b1', 'team-c/dev/c1']);
      expect(await listAllDeployments(getStore, { teams: [] })).toEqual([]);
      expect(
        await listAllDeployments(getStore, {
          teams: ['team-b'],
          team: 'team-a',
        }),
      ).toEqual([]);
      expect(
        await listAllDeployments(getStore, {
          environment: 'dev',
          phase: 'Ready',
        }),
      ).toEqual(['team-a/dev/a1', 'team-a/dev/a3']);
      expect(
        await listAllDeployments(getStore, {
          resource: 'redis-cache',
          teams: ['team-a', 'team-c'],
        }),
      ).toEqual(['team-a/prod/a2', 'team-c/dev/c1', 'team-a/dev/a3']);
      const page = await getStore().deployments.list({
        team: 'team-a',
        limit: 10,
      });
      expect(page.items[0]).toMatchObject({
        ref: 'team-a/dev/a1',
        phase: 'Ready',
        version: 0,
        resource: { name: 'postgres-database' },
      });
    });

    it('pages with a cursor that neither repeats nor skips when deployments are added', async () => {
      await seed();
      const first = await getStore().deployments.list({ limit: 2 });
      expect(first.items.map(d => d.name)).toEqual(['a1', 'a2']);
      await getStore().deployments.create(
        createTestDeployment({
          team: 'team-d',
          environment: 'dev',
          name: 'late',
        }),
      );
      const second = await getStore().deployments.list({
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(d => d.name)).toEqual(['b1', 'c1']);
      const third = await getStore().deployments.list({
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(third.items.map(d => d.name)).toEqual(['a3', 'late']);
      expect(third.nextCursor).toBeUndefined();
      expect(await listAllDeployments(getStore, { team: 'team-a' }, 1)).toEqual(
        ['team-a/dev/a1', 'team-a/prod/a2', 'team-a/dev/a3'],
      );
      const error = await rejectionOf(
        getStore().deployments.list({ limit: 2, cursor: 'garbage' }),
      );
      expect(error.name).toBe('InputError');
    });
  });

  describe('deployments: optimistic updates', () => {
    it('writes when the version matches and bumps it', async () => {
      const store = getStore();
      const deployment = await createDb(store);
      const next: Deployment = {
        ...deployment,
        phase: 'Rendering',
        attempts: 1,
        history: [
          ...deployment.history,
          { phase: 'Rendering', at: '2025-01-01T00:00:01.000Z' },
        ],
        outputs: { host: 'db.internal' },
      };
      const written = await store.deployments.update(next, 0);
      expect(written).toEqual({ ...next, version: 1 });
      expect(await store.deployments.get(deployment.id)).toEqual({
        ...next,
        version: 1,
      });
      const again = await store.deployments.update(
        { ...written, phase: 'Ready' },
        1,
      );
      expect(again.version).toBe(2);
      expect(
        (await store.deployments.list({ phase: 'Ready', limit: 10 })).items.map(
          d => d.id,
        ),
      ).toEqual([deployment.id]);
    });

    it('refuses a stale version and an unknown deployment', async () => {
      const store = getStore();
      const deployment = await createDb(store);
      await store.deployments.update({ ...deployment, phase: 'Validating' }, 0);
      const stale = await rejectionOf(
        store.deployments.update({ ...deployment, phase: 'Failed' }, 0),
      );
      expect(stale.name).toBe('ConflictError');
      expect((await store.deployments.get(deployment.id))?.phase).toBe(
        'Validating',
      );
      const missing = await rejectionOf(
        store.deployments.update({ ...deployment, id: 'nope' }, 0),
      );
      expect(missing.name).toBe('NotFoundError');
    });

    it('lets exactly one of 50 concurrent updates from the same version win', async () => {
      const store = getStore();
      const deployment = await createDb(store);
      const settled = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store.deployments.update({ ...deployment, attempts: i + 1 }, 0),
        ),
      );
      const won = settled.filter(
        (s): s is PromiseFulfilledResult<Deployment> =>
          s.status === 'fulfilled',
      );
      expect(won).toHaveLength(1);
      expect(rejectedNames(settled)).toEqual(
        new Array(49).fill('ConflictError'),
      );
      const stored = await store.deployments.get(deployment.id);
      expect(stored?.version).toBe(1);
      expect(stored?.attempts).toBe(won[0].value.attempts);
    }, 60_000);
  });
}
