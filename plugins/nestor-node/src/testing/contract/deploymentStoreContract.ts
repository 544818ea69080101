/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { createTestDeployment } from '../createTestDeployment';
import { listAllDeployments } from './listAllDeployments';
import { rejectedNames } from './rejectedNames';
import { rejectionOf } from './rejectionOf';
import { StoreGetter } from './types';

/** Creation, idempotency and reads of deployments. */
export function describeDeploymentStoreContract(getStore: StoreGetter) {
  describe('deployments: create and read', () => {
    it('creates a deployment at version 0 and reads it back by id and ref', async () => {
      const input = createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name: 'orders-db',
        dependsOn: ['team-b/dev/vpc'],
      });
      const result = await getStore().deployments.create(input);
      expect(result).toEqual({
        deployment: { ...input, version: 0 },
        created: true,
      });
      expect(await getStore().deployments.get(input.id)).toEqual({
        ...input,
        version: 0,
      });
      expect(
        await getStore().deployments.getByRef('team-a/dev/orders-db'),
      ).toEqual({ ...input, version: 0 });
      expect(await getStore().deployments.get('missing')).toBeUndefined();
      expect(
        await getStore().deployments.getByRef('team-a/dev/missing'),
      ).toBeUndefined();
    });

    it('returns the first deployment for a repeated idempotency key and request hash', async () => {
      const store = getStore();
      const first = createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name: 'orders-db',
      });
      const options = { idempotencyKey: 'key-1', requestHash: 'hash-1' };
      const created = await store.deployments.create(
        { ...first, idempotencyKey: 'key-1' },
        options,
      );
      expect(created.created).toBe(true);
      const retry = createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name: 'orders-db',
      });
      const again = await store.deployments.create(
        { ...retry, idempotencyKey: 'key-1' },
        options,
      );
      expect(again).toEqual({ deployment: created.deployment, created: false });
      expect(again.deployment.id).toBe(first.id);
      expect(await store.deployments.get(retry.id)).toBeUndefined();
    });

    it('refuses a repeated idempotency key with another request hash', async () => {
      const store = getStore();
      const first = createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name: 'orders-db',
      });
      await store.deployments.create(first, {
        idempotencyKey: 'key-1',
        requestHash: 'hash-1',
      });
      const other = createTestDeployment({
        team: 'team-a',
        environment: 'dev',
        name: 'other-db',
      });
      const error = await rejectionOf(
        store.deployments.create(other, {
          idempotencyKey: 'key-1',
          requestHash: 'hash-2',
        }),
      );
      expect(error.name).toBe('ConflictError');
      expect(error.message).toContain('key-1');
      expect(await store.deployments.get(other.id)).toBeUndefined();
    });

    it('answers concurrent requests with one idempotency key with one deployment', async () => {
      const store = getStore();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.deployments.create(
            createTestDeployment({
              team: 'team-a',
              environment: 'dev',
              name: 'orders-db',
            }),
            {
              idempotencyKey: 'key-1',
              requestHash: 'hash-1',
            },
          ),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.deployment.id)).size).toBe(1);
      expect(await listAllDeployments(getStore, {})).toEqual([
        'team-a/dev/orders-db',
      ]);
    }, 30_000);

    it('refuses a second active deployment with the same ref, even when requested concurrently', async () => {
      const store = getStore();
      await store.deployments.create(
        createTestDeployment({
          team: 'team-a',
          environment: 'dev',
          name: 'orders-db',
        }),
      );
      const error = await rejectionOf(
        store.deployments.create(
          createTestDeployment({
            team: 'team-a',
            environment: 'dev',
            name: 'orders-db',
          }),
        ),
      );
      expect(error.name).toBe('ConflictError');
      expect(error.message).toContain('team-a/dev/orders-db');

      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          store.deployments.create(
            createTestDeployment({
              team: 'team-a',
              environment: 'dev',
              name: 'race',
            }),
          ),
        ),
      );
      expect(settled.filter(s => s.status === 'fulfilled')).toHaveLength(1);
      expect(rejectedNames(settled)).toEqual(
        new Array(9).fill('ConflictError'),
      );
    }, 30_000);

    it('refuses an id that already exists', async () => {
      const store = getStore();
      const first = createTestDeployment({
        id: 'dep-1',
        team: 'team-a',
        environment: 'dev',
        name: 'one',
      });
      await store.deployments.create(first);
      const error = await rejectionOf(
        store.deployments.create(
          createTestDeployment({
            id: 'dep-1',
            team: 'team-a',
            environment: 'dev',
            name: 'two',
          }),
        ),
      );
      expect(error.name).toBe('ConflictError');
      expect(
        await store.deployments.getByRef('team-a/dev/two'),
      ).toBeUndefined();
    });

    it('frees a ref once its deployment is deleted or cancelled, but not when it failed', async () => {
      const store = getStore();
      const { deployment: first } = await store.deployments.create(
        createTestDeployment({
          team: 'team-a',
          environment: 'dev',
          name: 'db',
        }),
      );
      const failed = await store.deployments.update(
        { ...first, phase: 'Failed' },
        0,
      );
      expect(
        (
          await rejectionOf(
            store.deployments.create(
              createTestDeployment({
                team: 'team-a',
                environment: 'dev',
                name: 'db',
              }),
            ),
          )
        ).name,
      ).toBe('ConflictError');
      await store.deployments.update(
        { ...failed, phase: 'Deleted' },
        failed.version,
      );

      const { deployment: second } = await store.deployments.create(
        createTestDeployment({
          team: 'team-a',
          environment: 'dev',
          name: 'db',
        }),
      );
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(
        second.id,
      );
      await store.deployments.update({ ...second, phase: 'Cancelled' }, 0);
      // with no active deployment, the most recent one answers for the ref
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(
        second.id,
      );
      const { deployment: third } = await store.deployments.create(
        createTestDeployment({
          team: 'team-a',
          environment: 'dev',
          name: 'db',
        }),
      );
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(
        third.id,
      );
      expect((await store.deployments.get(first.id))?.phase).toBe('Deleted');

      // reviving an old deployment while another holds the ref is a conflict
      const revive = await rejectionOf(
        store.deployments.update({ ...second, phase: 'Pending' }, 1),
      );
      expect(revive.name).toBe('ConflictError');
      expect((await store.deployments.get(second.id))?.phase).toBe('Cancelled');

      // an active deployment answers for its ref before a more recent inactive one
      await store.deployments.update({ ...third, phase: 'Cancelled' }, 0);
      await store.deployments.update({ ...second, phase: 'Pending' }, 1);
      expect((await store.deployments.getByRef('team-a/dev/db'))?.id).toBe(
        second.id,
      );
    });

    it('reads many deployments by ref, skipping unknown refs', async () => {
      const store = getStore();
      for (const name of ['a', 'b', 'c']) {
        await store.deployments.create(
          createTestDeployment({ team: 'team-a', environment: 'dev', name }),
        );
      }
      const found = await store.deployments.getByRefs([
        'team-a/dev/c',
        'team-a/dev/missing',
        'team-a/dev/a',
      ]);
      expect(found.map(d => d.ref).sort()).toEqual([
        'team-a/dev/a',
        'team-a/dev/c',
      ]);
      expect(await store.deployments.getByRefs([])).toEqual([]);
    });
  });
}
