import { Deployment } from '@nestor/plugin-nestor-common';
import { DeploymentListQuery } from '../../store/types';
import { createTestDeployment } from '../createTestDeployment';
import { rejectionOf } from './rejectionOf';
import { StoreGetter } from './types';

async function listAll(getStore: StoreGetter, query: Omit<DeploymentListQuery, 'limit'>, limit = 100) {
  const seen: Deployment[] = [];
  let cursor: string | undefined;
  do {
    const page = await getStore().deployments.list({ ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return seen.map(d => d.ref);
}

/** Creation, idempotency, reads, listing and optimistic updates of deployments. */
export function describeDeploymentStoreContract(getStore: StoreGetter) {
  describe('deployments: create and read', () => {
    it('creates a deployment at version 0 and reads it back by id and ref', async () => {
      const input = createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db', dependsOn: ['team-b/dev/vpc'] });
      const result = await getStore().deployments.create(input);
      expect(result).toEqual({ deployment: { ...input, version: 0 }, created: true });
      expect(await getStore().deployments.get(input.id)).toEqual({ ...input, version: 0 });
      expect(await getStore().deployments.getByRef('team-a/dev/orders-db')).toEqual({ ...input, version: 0 });
      expect(await getStore().deployments.get('missing')).toBeUndefined();
      expect(await getStore().deployments.getByRef('team-a/dev/missing')).toBeUndefined();
    });

    it('returns the first deployment for a repeated idempotency key and request hash', async () => {
      const store = getStore();
      const first = createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' });
      const options = { idempotencyKey: 'key-1', requestHash: 'hash-1' };
      const created = await store.deployments.create({ ...first, idempotencyKey: 'key-1' }, options);
      expect(created.created).toBe(true);
      const retry = createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' });
      const again = await store.deployments.create({ ...retry, idempotencyKey: 'key-1' }, options);
      expect(again).toEqual({ deployment: created.deployment, created: false });
      expect(again.deployment.id).toBe(first.id);
      expect(await store.deployments.get(retry.id)).toBeUndefined();
    });

    it('refuses a repeated idempotency key with another request hash', async () => {
      const store = getStore();
      const first = createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' });
      await store.deployments.create(first, { idempotencyKey: 'key-1', requestHash: 'hash-1' });
      const other = createTestDeployment({ team: 'team-a', environment: 'dev', name: 'other-db' });
      const error = await rejectionOf(store.deployments.create(other, { idempotencyKey: 'key-1', requestHash: 'hash-2' }));
      expect(error.name).toBe('ConflictError');
      expect(error.message).toContain('key-1');
      expect(await store.deployments.get(other.id)).toBeUndefined();
    });

    it('answers concurrent requests with one idempotency key with one deployment', async () => {
      const store = getStore();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' }), {
            idempotencyKey: 'key-1',
            requestHash: 'hash-1',
          }),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.deployment.id)).size).toBe(1);
      expect(await listAll(getStore, {})).toEqual(['team-a/dev/orders-db']);
    }, 30_000);

    it('refuses a second active deployment with the same ref, even when requested concurrently', async () => {
      const store = getStore();
      await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' }));
      const error = await rejectionOf(store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'orders-db' })));
      expect(error.name).toBe('ConflictError');
      expect(error.message).toContain('team-a/dev/orders-db');

      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'race' }))),
      );
      expect(settled.filter(s => s.status === 'fulfilled')).toHaveLength(1);
      for (const s of settled) {
        if (s.status === 'rejected') {
          expect((s.reason as Error).name).toBe('ConflictError');
        }
      }
    }, 30_000);

    it('refuses an id that already exists', async () => {
      const store = getStore();
      const first = createTestDeployment({ id: 'dep-1', team: 'team-a', environment: 'dev', name: 'one' });
      await store.deployments.create(first);
      const error = await rejectionOf(store.deployments.create(createTestDeployment({ id: 'dep-1', team: 'team-a', environment: 'dev', name: 'two' })));
      expect(error.name).toBe('ConflictError');
      expect(await store.deployments.getByRef('team-a/dev/two')).toBeUndefined();
    });

    it('frees a ref once its deployment is deleted or cancelled, but not when it failed', async () => {
      const store = getStore();
      const { deployment: first } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      const failed = await store.deployments.update({ ...first, phase: 'Failed' }, 0);
      expect((await rejectionOf(store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' })))).name).toBe(
        'ConflictError',
      );
      await store.deployments.update({ ...failed, phase: 'Deleted' }, failed.version);

      const { deployment: second } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(second.id);
      await store.deployments.update({ ...second, phase: 'Cancelled' }, 0);
      // with no active deployment, the most recent one answers for the ref
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(second.id);
      const { deployment: third } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(third.id);
      expect((await store.deployments.get(first.id))?.phase).toBe('Deleted');

      // reviving an old deployment while another holds the ref is a conflict
      const revive = await rejectionOf(store.deployments.update({ ...second, phase: 'Pending' }, 1));
      expect(revive.name).toBe('ConflictError');
      expect((await store.deployments.get(second.id))?.phase).toBe('Cancelled');
    });

    it('reads many deployments by ref, skipping unknown refs', async () => {
      const store = getStore();
      for (const name of ['a', 'b', 'c']) {
        await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name }));
      }
      const found = await store.deployments.getByRefs(['team-a/dev/c', 'team-a/dev/missing', 'team-a/dev/a']);
      expect(found.map(d => d.ref).sort()).toEqual(['team-a/dev/a', 'team-a/dev/c']);
      expect(await store.deployments.getByRefs([])).toEqual([]);
    });
  });

  describe('deployments: list', () => {
    async function seed() {
      const specs = [
        { team: 'team-a', environment: 'dev', name: 'a1', resource: 'postgres-database', phase: 'Ready' as const },
        { team: 'team-a', environment: 'prod', name: 'a2', resource: 'redis-cache', phase: 'Pending' as const },
        { team: 'team-b', environment: 'dev', name: 'b1', resource: 'postgres-database', phase: 'Pending' as const },
        { team: 'team-c', environment: 'dev', name: 'c1', resource: 'redis-cache', phase: 'Failed' as const },
        { team: 'team-a', environment: 'dev', name: 'a3', resource: 'redis-cache', phase: 'Ready' as const },
      ];
      for (const spec of specs) {
        await getStore().deployments.create(createTestDeployment(spec));
      }
    }

    it('lists in creation order and filters by team, teams, environment, phase and resource', async () => {
      await seed();
      expect(await listAll(getStore, {})).toEqual(['team-a/dev/a1', 'team-a/prod/a2', 'team-b/dev/b1', 'team-c/dev/c1', 'team-a/dev/a3']);
      expect(await listAll(getStore, { team: 'team-a' })).toEqual(['team-a/dev/a1', 'team-a/prod/a2', 'team-a/dev/a3']);
      expect(await listAll(getStore, { teams: ['team-b', 'team-c'] })).toEqual(['team-b/dev/b1', 'team-c/dev/c1']);
      expect(await listAll(getStore, { teams: [] })).toEqual([]);
      expect(await listAll(getStore, { teams: ['team-b'], team: 'team-a' })).toEqual([]);
      expect(await listAll(getStore, { environment: 'dev', phase: 'Ready' })).toEqual(['team-a/dev/a1', 'team-a/dev/a3']);
      expect(await listAll(getStore, { resource: 'redis-cache', teams: ['team-a', 'team-c'] })).toEqual([
        'team-a/prod/a2',
        'team-c/dev/c1',
        'team-a/dev/a3',
      ]);
      const page = await getStore().deployments.list({ team: 'team-a', limit: 10 });
      expect(page.items[0]).toMatchObject({ ref: 'team-a/dev/a1', phase: 'Ready', version: 0, resource: { name: 'postgres-database' } });
    });

    it('pages with a cursor that neither repeats nor skips when deployments are added', async () => {
      await seed();
      const first = await getStore().deployments.list({ limit: 2 });
      expect(first.items.map(d => d.name)).toEqual(['a1', 'a2']);
      await getStore().deployments.create(createTestDeployment({ team: 'team-d', environment: 'dev', name: 'late' }));
      const second = await getStore().deployments.list({ limit: 2, cursor: first.nextCursor });
      expect(second.items.map(d => d.name)).toEqual(['b1', 'c1']);
      const third = await getStore().deployments.list({ limit: 2, cursor: second.nextCursor });
      expect(third.items.map(d => d.name)).toEqual(['a3', 'late']);
      expect(third.nextCursor).toBeUndefined();
      expect(await listAll(getStore, { team: 'team-a' }, 1)).toEqual(['team-a/dev/a1', 'team-a/prod/a2', 'team-a/dev/a3']);
      const error = await rejectionOf(getStore().deployments.list({ limit: 2, cursor: 'garbage' }));
      expect(error.name).toBe('InputError');
    });
  });

  describe('deployments: optimistic updates', () => {
    it('writes when the version matches and bumps it', async () => {
      const store = getStore();
      const { deployment } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      const next: Deployment = {
        ...deployment,
        phase: 'Rendering',
        attempts: 1,
        history: [...deployment.history, { phase: 'Rendering', at: '2025-01-01T00:00:01.000Z' }],
        outputs: { host: 'db.internal' },
      };
      const written = await store.deployments.update(next, 0);
      expect(written).toEqual({ ...next, version: 1 });
      expect(await store.deployments.get(deployment.id)).toEqual({ ...next, version: 1 });
      const again = await store.deployments.update({ ...written, phase: 'Ready' }, 1);
      expect(again.version).toBe(2);
      expect((await store.deployments.list({ phase: 'Ready', limit: 10 })).items.map(d => d.id)).toEqual([deployment.id]);
    });

    it('refuses a stale version and an unknown deployment', async () => {
      const store = getStore();
      const { deployment } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      await store.deployments.update({ ...deployment, phase: 'Validating' }, 0);
      const stale = await rejectionOf(store.deployments.update({ ...deployment, phase: 'Failed' }, 0));
      expect(stale.name).toBe('ConflictError');
      expect((await store.deployments.get(deployment.id))?.phase).toBe('Validating');
      const missing = await rejectionOf(store.deployments.update({ ...deployment, id: 'nope' }, 0));
      expect(missing.name).toBe('NotFoundError');
    });

    it('lets exactly one of 50 concurrent updates from the same version win', async () => {
      const store = getStore();
      const { deployment } = await store.deployments.create(createTestDeployment({ team: 'team-a', environment: 'dev', name: 'db' }));
      const settled = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.deployments.update({ ...deployment, attempts: i + 1 }, 0)),
      );
      const won = settled.filter((s): s is PromiseFulfilledResult<Deployment> => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const s of settled) {
        if (s.status === 'rejected') {
          expect((s.reason as Error).name).toBe('ConflictError');
        }
      }
      const stored = await store.deployments.get(deployment.id);
      expect(stored?.version).toBe(1);
      expect(stored?.attempts).toBe(won[0].value.attempts);
    }, 60_000);
  });
}
