/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { CatalogItemWrite } from '../../store/types';
import {
  createTestResourceDefinition,
  TestResourceDefinitionOptions,
} from '../createTestResourceDefinition';
import { rejectionOf } from './rejectionOf';
import { StoreGetter } from './types';

const T1 = '2025-01-01T10:00:00.000Z';
const T2 = '2025-01-02T10:00:00.000Z';
const T3 = '2025-01-03T10:00:00.000Z';

function write(
  definition: ResourceDefinition,
  source: Partial<CatalogItemWrite['source']> = {},
): CatalogItemWrite {
  return {
    definition,
    source: {
      id: 'platform',
      url: 'https://git.example.com/platform/buffet.git',
      path: `items/${definition.metadata.name}.yaml`,
      commit: 'c1',
      ...source,
    },
  };
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(reverseKeys);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

function item(
  options: TestResourceDefinitionOptions,
  source?: Partial<CatalogItemWrite['source']>,
) {
  return write(createTestResourceDefinition(options), source);
}

/** Writes, updates, history and single reads of the catalog. */
export function describeCatalogWriteContract(getStore: StoreGetter) {
  describe('catalog: applyChanges and history', () => {
    it('creates items and returns them with their source and sync time', async () => {
      const a = item({ name: 'alpha' }, { line: 3 });
      const b = item({ name: 'beta', tags: ['sql'] });
      const result = await getStore().catalog.applyChanges(
        { upserts: [a, b], deletes: [] },
        { syncedAt: T1 },
      );

      expect(result.removed).toEqual([]);
      expect(result.updated.map(i => i.name).sort()).toEqual(['alpha', 'beta']);
      const alpha = result.updated.find(i => i.name === 'alpha');
      expect(alpha).toEqual({
        name: 'alpha',
        definition: a.definition,
        source: a.source,
        createdAt: T1,
        updatedAt: T1,
      });
      expect(await getStore().catalog.getItem('alpha')).toEqual(alpha);
      expect(await getStore().catalog.getItem('beta')).toEqual({
        name: 'beta',
        definition: b.definition,
        source: b.source,
        createdAt: T1,
        updatedAt: T1,
      });
      expect(await getStore().catalog.listVersions('alpha')).toEqual([
        {
          name: 'alpha',
          version: '1.0.0',
          commit: 'c1',
          syncedAt: T1,
          change: 'created',
          changedFields: [],
          definition: a.definition,
        },
      ]);
    });

    it('updates changed items and records which fields changed, newest version first', async () => {
      const store = getStore();
      const v1 = item({ name: 'alpha', version: '1.0.0' });
      await store.catalog.applyChanges(
        { upserts: [v1], deletes: [] },
        { syncedAt: T1 },
      );
      const v2 = item(
        { name: 'alpha', version: '1.1.0', title: 'New title' },
        { commit: 'c2' },
      );
      const result = await store.catalog.applyChanges(
        { upserts: [v2], deletes: [] },
        { syncedAt: T2 },
      );

      expect(result.updated).toEqual([
        {
          name: 'alpha',
          definition: v2.definition,
          source: v2.source,
          createdAt: T1,
          updatedAt: T2,
        },
      ]);
      const versions = await store.catalog.listVersions('alpha');
      expect(
        versions.map(v => [v.version, v.change, v.commit, v.syncedAt]),
      ).toEqual([
        ['1.1.0', 'updated', 'c2', T2],
        ['1.0.0', 'created', 'c1', T1],
      ]);
      expect([...versions[0].changedFields].sort()).toEqual([
        'metadata.title',
        'spec.version',
      ]);
      expect(versions[0].definition.metadata.title).toBe('New title');
      expect(versions[1].definition.metadata.title).toBe('Title of alpha');
    });

    it('does not rewrite or return an unchanged item, even from a new commit or with keys in another order', async () => {
      const store = getStore();
      const v1 = item({ name: 'alpha', tags: ['a', 'b'] });
      await store.catalog.applyChanges(
        { upserts: [v1], deletes: [] },
        { syncedAt: T1 },
      );
      const reordered = reverseKeys(v1.definition) as ResourceDefinition;
      expect(Object.keys(reordered.metadata)[0]).toBe('tags');
      const result = await store.catalog.applyChanges(
        { upserts: [write(reordered, { commit: 'c2' })], deletes: [] },
        { syncedAt: T2 },
      );

      expect(result).toEqual({ updated: [], removed: [] });
      const stored = await store.catalog.getItem('alpha');
      expect(stored?.source.commit).toBe('c1');
      expect(stored?.updatedAt).toBe(T1);
      expect(await store.catalog.listVersions('alpha')).toHaveLength(1);
    });

    it('writes a moved item without a new version and without returning it', async () => {
      const store = getStore();
      const v1 = item({ name: 'alpha' });
      await store.catalog.applyChanges(
        { upserts: [v1], deletes: [] },
        { syncedAt: T1 },
      );
      const moved = write(v1.definition, {
        path: 'moved/alpha.yaml',
        commit: 'c2',
        line: 7,
      });
      const result = await store.catalog.applyChanges(
        { upserts: [moved], deletes: [] },
        { syncedAt: T2 },
      );

      expect(result.updated).toEqual([]);
      const stored = await store.catalog.getItem('alpha');
      expect(stored?.source).toEqual(moved.source);
      expect(stored?.createdAt).toBe(T1);
      expect(await store.catalog.listVersions('alpha')).toHaveLength(1);
      expect(await store.catalog.listItemsBySource('platform')).toEqual([
        { name: 'alpha', path: 'moved/alpha.yaml' },
      ]);
    });

    it('deletes items, ignores unknown names and keeps the history with a removed entry', async () => {
      const store = getStore();
      const a = item({ name: 'alpha' });
      await store.catalog.applyChanges(
        { upserts: [a, item({ name: 'beta' })], deletes: [] },
        { syncedAt: T1 },
      );
      const result = await store.catalog.applyChanges(
        { upserts: [], deletes: ['alpha', 'never-existed'] },
        { syncedAt: T2 },
      );

      expect(result).toEqual({ updated: [], removed: ['alpha'] });
      expect(await store.catalog.getItem('alpha')).toBeUndefined();
      expect(
        (await store.catalog.getItems(['alpha', 'beta'])).map(i => i.name),
      ).toEqual(['beta']);
      const versions = await store.catalog.listVersions('alpha');
      expect(versions.map(v => [v.change, v.syncedAt])).toEqual([
        ['removed', T2],
        ['created', T1],
      ]);
      expect(versions[0].definition).toEqual(a.definition);
      expect(await store.catalog.listVersions('never-existed')).toEqual([]);
    });

    it('re-creates a removed item with a fresh creation time', async () => {
      const store = getStore();
      await store.catalog.applyChanges(
        { upserts: [item({ name: 'alpha' })], deletes: [] },
        { syncedAt: T1 },
      );
      await store.catalog.applyChanges(
        { upserts: [], deletes: ['alpha'] },
        { syncedAt: T2 },
      );
      const result = await store.catalog.applyChanges(
        { upserts: [item({ name: 'alpha' })], deletes: [] },
        { syncedAt: T3 },
      );

      expect(
        result.updated.map(i => [i.name, i.createdAt, i.updatedAt]),
      ).toEqual([['alpha', T3, T3]]);
      expect(
        (await store.catalog.listVersions('alpha')).map(v => v.change),
      ).toEqual(['created', 'removed', 'created']);
    });

    it('refuses a batch naming an item twice and writes nothing of it', async () => {
      const store = getStore();
      const twice = await rejectionOf(
        store.catalog.applyChanges(
          {
            upserts: [
              item({ name: 'gamma' }),
              item({ name: 'alpha' }),
              item({ name: 'alpha', version: '2.0.0' }),
            ],
            deletes: [],
          },
          { syncedAt: T1 },
        ),
      );
      expect(twice.name).toBe('InputError');
      expect(twice.message).toContain('alpha');
      const both = await rejectionOf(
        store.catalog.applyChanges(
          { upserts: [item({ name: 'beta' })], deletes: ['beta'] },
          { syncedAt: T1 },
        ),
      );
      expect(both.name).toBe('InputError');
      expect(both.message).toContain('beta');
      expect(await store.catalog.getItems(['alpha', 'beta', 'gamma'])).toEqual(
        [],
      );
    });

    it('reads an item at an earlier version, also after it was removed', async () => {
      const store = getStore();
      await store.catalog.applyChanges(
        {
          upserts: [item({ name: 'alpha', version: '1.0.0', title: 'One' })],
          deletes: [],
        },
        { syncedAt: T1 },
      );
      const v2 = item(
        { name: 'alpha', version: '1.1.0', title: 'Two' },
        { commit: 'c2' },
      );
      await store.catalog.applyChanges(
        { upserts: [v2], deletes: [] },
        { syncedAt: T2 },
      );

      const old = await store.catalog.getItem('alpha', { version: '1.0.0' });
      expect(old?.definition.spec.version).toBe('1.0.0');
      expect(old?.definition.metadata.title).toBe('One');
      expect(old?.source.commit).toBe('c1');
      expect(old?.createdAt).toBe(T1);
      expect(old?.updatedAt).toBe(T1);
      expect(
        await store.catalog.getItem('alpha', { version: '1.1.0' }),
      ).toEqual(await store.catalog.getItem('alpha'));
      expect(
        await store.catalog.getItem('alpha', { version: '9.9.9' }),
      ).toBeUndefined();
      expect(
        await store.catalog.getItem('nobody', { version: '1.0.0' }),
      ).toBeUndefined();

      await store.catalog.applyChanges(
        { upserts: [], deletes: ['alpha'] },
        { syncedAt: T3 },
      );
      expect(await store.catalog.getItem('alpha')).toBeUndefined();
      const afterRemoval = await store.catalog.getItem('alpha', {
        version: '1.1.0',
      });
      expect(afterRemoval?.definition).toEqual(v2.definition);
      expect(afterRemoval?.source.commit).toBe('c2');
    });

    it('gets several items in name order, skipping unknown names', async () => {
      const store = getStore();
      await store.catalog.applyChanges(
        {
          upserts: ['delta', 'alpha', 'charlie'].map(name => item({ name })),
          deletes: [],
        },
        { syncedAt: T1 },
      );
      const items = await store.catalog.getItems([
        'charlie',
        'missing',
        'alpha',
        'delta',
      ]);
      expect(items.map(i => i.name)).toEqual(['alpha', 'charlie', 'delta']);
      expect(items[1].definition.metadata.title).toBe('Title of charlie');
      expect(await store.catalog.getItems([])).toEqual([]);
    });

    it('lists the items read from a source, optionally only from some files', async () => {
      const store = getStore();
      await store.catalog.applyChanges(
        {
          upserts: [
            item({ name: 'alpha' }, { path: 'a.yaml' }),
            item({ name: 'beta' }, { path: 'shared.yaml' }),
            item({ name: 'gamma' }, { path: 'shared.yaml', line: 20 }),
            item({ name: 'other' }, { id: 'team-source', path: 'a.yaml' }),
          ],
          deletes: [],
        },
        { syncedAt: T1 },
      );
      const byName = (rows: Array<{ name: string; path: string }>) =>
        [...rows].sort((x, y) => x.name.localeCompare(y.name));

      expect(byName(await store.catalog.listItemsBySource('platform'))).toEqual(
        [
          { name: 'alpha', path: 'a.yaml' },
          { name: 'beta', path: 'shared.yaml' },
          { name: 'gamma', path: 'shared.yaml' },
        ],
      );
      expect(
        byName(
          await store.catalog.listItemsBySource('platform', [
            'shared.yaml',
            'nothing.yaml',
          ]),
        ),
      ).toEqual([
        { name: 'beta', path: 'shared.yaml' },
        { name: 'gamma', path: 'shared.yaml' },
      ]);
      expect(await store.catalog.listItemsBySource('platform', [])).toEqual([]);
      expect(await store.catalog.listItemsBySource('team-source')).toEqual([
        { name: 'other', path: 'a.yaml' },
      ]);
      await store.catalog.applyChanges(
        { upserts: [], deletes: ['beta'] },
        { syncedAt: T2 },
      );
      expect(
        await store.catalog.listItemsBySource('platform', ['shared.yaml']),
      ).toEqual([{ name: 'gamma', path: 'shared.yaml' }]);
      expect(await store.catalog.listItemsBySource('unknown')).toEqual([]);
    });

    it('applies a batch larger than any single write chunk', async () => {
      const store = getStore();
      const names = Array.from(
        { length: 1200 },
        (_, i) => `item-${String(i).padStart(4, '0')}`,
      );
      const first = await store.catalog.applyChanges(
        { upserts: names.map(name => item({ name })), deletes: [] },
        { syncedAt: T1 },
      );
      expect(first.updated).toHaveLength(1200);

      const changed = names
        .slice(0, 600)
        .map(name => item({ name, version: '2.0.0' }));
      const unchanged = names.slice(600, 900).map(name => item({ name }));
      const second = await store.catalog.applyChanges(
        { upserts: [...changed, ...unchanged], deletes: names.slice(900) },
        { syncedAt: T2 },
      );
      expect(second.updated).toHaveLength(600);
      expect(
        new Set(second.updated.map(i => i.definition.spec.version)),
      ).toEqual(new Set(['2.0.0']));
      expect([...second.removed].sort()).toEqual(names.slice(900));

      const page = await store.catalog.listItems({ limit: 5 });
      expect(page.totalCount).toBe(900);
      expect(page.items.map(i => i.name)).toEqual(names.slice(0, 5));
      expect((await store.catalog.getItem('item-0899'))?.updatedAt).toBe(T1);
      expect((await store.catalog.getItem('item-0000'))?.updatedAt).toBe(T2);
      expect(
        (await store.catalog.listVersions('item-0000')).map(v => v.version),
      ).toEqual(['2.0.0', '1.0.0']);
    }, 60_000);
  });
}
