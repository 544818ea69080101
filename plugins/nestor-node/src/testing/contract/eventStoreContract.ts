/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { NewNestorEvent } from '@nestor/plugin-nestor-common';
import { StoreGetter } from './types';

function event(overrides: Partial<NewNestorEvent> = {}): NewNestorEvent {
  return {
    type: 'deployment.phase',
    team: 'team-a',
    ref: 'team-a/dev/db',
    payload: { phase: 'Ready', nested: { list: [1, 2, 3] } },
    ...overrides,
  };
}

function range(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** The append-only event log. */
export function describeEventStoreContract(getStore: StoreGetter) {
  describe('events', () => {
    it('starts empty', async () => {
      const store = getStore();
      expect(await store.events.latestId()).toBe(0);
      expect(await store.events.oldestId()).toBeUndefined();
      expect(await store.events.readAfter({ afterId: 0, limit: 10 })).toEqual(
        [],
      );
    });

    it('assigns increasing ids from 1, keeps every field and sets a missing time', async () => {
      const store = getStore();
      const before = Date.now();
      const appended = await store.events.append([
        event({ time: '2025-01-01T10:00:00.000Z' }),
        event({
          type: 'catalog.updated',
          team: null,
          ref: 'postgres-database',
          visibleTo: ['team-a', 'team-b'],
          payload: { name: 'x' },
        }),
      ]);
      expect(appended.map(e => e.id)).toEqual([1, 2]);
      expect(appended[0]).toEqual({
        id: 1,
        ...event(),
        time: '2025-01-01T10:00:00.000Z',
      });
      expect(appended[1]).toMatchObject({
        type: 'catalog.updated',
        team: null,
        ref: 'postgres-database',
        visibleTo: ['team-a', 'team-b'],
      });
      const time = Date.parse(appended[1].time);
      expect(time).toBeGreaterThanOrEqual(before - 1000);
      expect(time).toBeLessThanOrEqual(Date.now() + 1000);

      const more = await store.events.append([event(), event(), event()]);
      expect(more.map(e => e.id)).toEqual([3, 4, 5]);
      expect(await store.events.readAfter({ afterId: 0, limit: 10 })).toEqual([
        ...appended,
        ...more,
      ]);
      expect(await store.events.latestId()).toBe(5);
      expect(await store.events.oldestId()).toBe(1);
      expect(await store.events.append([])).toEqual([]);
      expect(await store.events.latestId()).toBe(5);
    });

    it('gives 100 concurrent appends distinct, gap-free ids', async () => {
      const store = getStore();
      const results = await Promise.all(
        range(0, 100).map(i =>
          store.events.append([event({ payload: { i } })]),
        ),
      );
      const ids = results.map(r => r[0].id).sort((a, b) => a - b);
      expect(ids).toEqual(range(1, 100));
      const read = await store.events.readAfter({ afterId: 0, limit: 1000 });
      expect(read.map(e => e.id)).toEqual(range(1, 100));
      expect(new Set(read.map(e => (e.payload as { i: number }).i)).size).toBe(
        100,
      );
      expect(await store.events.latestId()).toBe(100);
    }, 60_000);

    it('keeps each batch contiguous when batches are appended concurrently', async () => {
      const store = getStore();
      const results = await Promise.all(
        range(0, 20).map(() =>
          store.events.append([event(), event(), event(), event(), event()]),
        ),
      );
      for (const batch of results) {
        expect(batch.map(e => e.id)).toEqual(range(batch[0].id, 5));
      }
      expect(
        results.flatMap(r => r.map(e => e.id)).sort((a, b) => a - b),
      ).toEqual(range(1, 100));
    }, 60_000);

    it('reads after an id, in id order, up to a limit and filtered by type', async () => {
      const store = getStore();
      await store.events.append([
        event({ type: 'deployment.created' }),
        event({ type: 'deployment.phase' }),
        event({ type: 'quota.exceeded' }),
        event({ type: 'deployment.phase' }),
        event({ type: 'gitops.committed' }),
      ]);
      expect(
        (await store.events.readAfter({ afterId: 2, limit: 10 })).map(
          e => e.id,
        ),
      ).toEqual([3, 4, 5]);
      expect(
        (await store.events.readAfter({ afterId: 0, limit: 2 })).map(e => e.id),
      ).toEqual([1, 2]);
      expect(await store.events.readAfter({ afterId: 5, limit: 10 })).toEqual(
        [],
      );
      const typed = await store.events.readAfter({
        afterId: 0,
        limit: 10,
        types: ['deployment.phase', 'gitops.committed'],
      });
      expect(typed.map(e => [e.id, e.type])).toEqual([
        [2, 'deployment.phase'],
        [4, 'deployment.phase'],
        [5, 'gitops.committed'],
      ]);
      expect(
        await store.events.readAfter({ afterId: 0, limit: 10, types: [] }),
      ).toEqual([]);
      expect(
        (
          await store.events.readAfter({
            afterId: 0,
            limit: 1,
            types: ['deployment.phase'],
          })
        ).map(e => e.id),
      ).toEqual([2]);
    });

    it('shows teams their own events, events visible to them and global ones', async () => {
      const store = getStore();
      await store.events.append([
        event({ team: 'team-a' }), // 1
        event({ team: 'team-b' }), // 2
        event({ type: 'catalog.updated', team: null, ref: 'public-item' }), // 3
        event({
          type: 'catalog.updated',
          team: 'team-platform',
          ref: 'restricted',
          visibleTo: ['team-b', 'team-c'],
        }), // 4
        event({
          type: 'catalog.removed',
          team: null,
          ref: 'restricted-global',
          visibleTo: ['team-a'],
        }), // 5
        event({ team: 'team-ab' }), // 6
      ]);
      const ids = async (teams: string[] | undefined) =>
        (await store.events.readAfter({ afterId: 0, limit: 100, teams })).map(
          e => e.id,
        );
      expect(await ids(undefined)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await ids([])).toEqual([3]);
      expect(await ids(['team-a'])).toEqual([1, 3, 5]);
      expect(await ids(['team-b'])).toEqual([2, 3, 4]);
      expect(await ids(['team-c', 'team-platform'])).toEqual([3, 4]);
      expect(await ids(['team-a', 'team-b'])).toEqual([1, 2, 3, 4, 5]);
      const typed = await store.events.readAfter({
        afterId: 1,
        limit: 1,
        teams: ['team-b'],
        types: ['catalog.updated'],
      });
      expect(typed.map(e => e.id)).toEqual([3]);
    });

    it('prunes events older than a time without reusing their ids', async () => {
      const store = getStore();
      await store.events.append([
        event({ time: '2025-01-01T00:00:00.000Z' }),
        event({ time: '2025-01-02T00:00:00.000Z' }),
        event({ time: '2025-01-03T00:00:00.000Z' }),
      ]);
      expect(await store.events.pruneBefore('2025-01-02T12:00:00.000Z')).toBe(
        2,
      );
      expect(await store.events.oldestId()).toBe(3);
      expect(await store.events.latestId()).toBe(3);
      expect(
        (await store.events.readAfter({ afterId: 0, limit: 10 })).map(
          e => e.id,
        ),
      ).toEqual([3]);
      expect(await store.events.pruneBefore('2025-01-02T12:00:00.000Z')).toBe(
        0,
      );

      expect(await store.events.pruneBefore('2030-01-01T00:00:00.000Z')).toBe(
        1,
      );
      expect(await store.events.oldestId()).toBeUndefined();
      expect(await store.events.latestId()).toBe(3);
      expect((await store.events.append([event()]))[0].id).toBe(4);
      expect(await store.events.oldestId()).toBe(4);
    });
  });
}
