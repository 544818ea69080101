import { CacheService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CatalogItem, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { resourceDefinitionYaml } from '@nestor/test-utils';
import { parse } from 'yaml';
import { CatalogAccess } from '../../permissions/AccessService';
import { isItemVisibleToTeams } from '../../permissions/rules';
import { DatabaseNestorStore } from '../../stores/database/DatabaseNestorStore';
import { CatalogService } from './CatalogService';
import { validateDefinition } from './validation/validateDefinition';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function definition(name: string, options: Parameters<typeof resourceDefinitionYaml>[1] = {}): ResourceDefinition {
  const result = validateDefinition(parse(resourceDefinitionYaml(name, options)));
  if (!result.ok || result.document.kind !== 'ResourceDefinition') throw new Error('bad fixture');
  return result.document.value;
}

/** A cache that counts its reads of entries (not of the generation key), for every client `withOptions` makes. */
function countingCache(inner: CacheService, reads: string[]): CacheService {
  return {
    get: async key => {
      if (key !== 'catalog:generation') reads.push(key);
      return inner.get(key);
    },
    set: (key, value, options) => inner.set(key, value, options),
    delete: key => inner.delete(key),
    withOptions: options => countingCache(inner.withOptions(options), reads),
  };
}

/** What a user of these teams sees when the permission framework is off. */
function teamAccess(teams: string[]): CatalogAccess {
  return { visibleToTeams: teams, matches: (item: CatalogItem) => isItemVisibleToTeams(item, teams) };
}

describe('CatalogService', () => {
  let store: DatabaseNestorStore;
  let cache: CacheService;
  let service: CatalogService;
  let write: (defs: ResourceDefinition[], commit: string) => Promise<void>;

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    cache = CacheManager.fromConfig(mockServices.rootConfig()).forPlugin('nestor');
    service = CatalogService.create({ store: store.catalog, cache });
    write = async (defs, commit) => {
      await store.catalog.applyChanges(
        {
          upserts: defs.map(d => ({ definition: d, source: { id: 's', url: 'u', path: `${d.metadata.name}.yaml`, commit } })),
          deletes: [],
        },
        {},
      );
    };
  });

  it('answers repeated reads from the cache until invalidated', async () => {
    await write([definition('one'), definition('two')], 'c1');
    const listItems = jest.spyOn(store.catalog, 'listItems');
    const getItem = jest.spyOn(store.catalog, 'getItem');
    const everyone = teamAccess([]);

    expect((await service.list(everyone, { limit: 10 })).items.map(i => i.name)).toEqual(['one', 'two']);
    await service.list(everyone, { limit: 10 });
    await service.get(everyone, 'one');
    await service.get(everyone, 'one');
    expect(listItems).toHaveBeenCalledTimes(1);
    expect(getItem).toHaveBeenCalledTimes(1);

    await write([definition('three'), definition('one', { version: '1.1.0' })], 'c2');
    // still the cached answers: the sync has not said yet that it changed something
    expect((await service.list(everyone, { limit: 10 })).totalCount).toBe(2);
    await service.invalidate();
    const fresh = await service.list(everyone, { limit: 10 });
    expect(fresh.items.map(i => i.name)).toEqual(['one', 'three', 'two']);
    expect(fresh.totalCount).toBe(3);
    expect((await service.get(everyone, 'one')).definition.spec.version).toBe('1.1.0');
  });

  it('shares a cached page between callers of the same scope but not across scopes', async () => {
    await write([definition('pub'), definition('a-only', { owner: 'team-a', visibility: ['team-a'] })], 'c1');
    expect((await service.list(teamAccess(['team-a']), { limit: 10 })).items.map(i => i.name)).toEqual(['a-only', 'pub']);
    expect((await service.list(teamAccess(['team-b']), { limit: 10 })).items.map(i => i.name)).toEqual(['pub']);
    expect((await service.list(teamAccess(['team-b']), { limit: 10 })).totalCount).toBe(1);
  });

  it('hides every version of an item its current visibility hides, and old versions the caller could not see', async () => {
    await write([definition('moving', { version: '1.0.0' })], 'c1');
    await write([definition('moving', { version: '2.0.0', owner: 'team-a', visibility: ['team-a'] })], 'c2');
    await write([definition('opened', { version: '1.0.0', owner: 'team-a', visibility: ['team-a'] })], 'c3');
    await write([definition('opened', { version: '2.0.0', owner: 'team-a' })], 'c4');
    const b = teamAccess(['team-b']);

    await expect(service.get(b, 'moving')).rejects.toThrow('No catalog item "moving"');
    await expect(service.get(b, 'moving', { version: '1.0.0' })).rejects.toThrow('No catalog item "moving"');
    await expect(service.versions(b, 'moving')).rejects.toThrow('No catalog item "moving"');
    expect((await service.versions(teamAccess(['team-a']), 'moving')).map(v => v.version)).toEqual(['2.0.0', '1.0.0']);

    expect((await service.versions(b, 'opened')).map(v => v.version)).toEqual(['2.0.0']);
    await expect(service.get(b, 'opened', { version: '1.0.0' })).rejects.toThrow('No version 1.0.0 of catalog item "opened"');
    expect((await service.get(b, 'opened', { version: '2.0.0' })).definition.spec.version).toBe('2.0.0');
  });

  it('answers a repeated read from this process without reading the shared entry again', async () => {
    await write([definition('one'), definition('two')], 'c1');
    const reads: string[] = [];
    const counted = CatalogService.create({ store: store.catalog, cache: countingCache(cache, reads) });
    const everyone = teamAccess([]);
    await counted.list(everyone, { limit: 10 });
    await counted.get(everyone, 'one');
    const afterFirst = reads.length;
    for (let round = 0; round < 3; round++) {
      expect((await counted.list(everyone, { limit: 10 })).items.map(i => i.name)).toEqual(['one', 'two']);
      expect((await counted.get(everyone, 'one')).name).toBe('one');
    }
    expect(reads.length).toBe(afterFirst);
  });

  it('shows a sync at once on the next read of every replica sharing the cache, though each remembers its reads', async () => {
    await write([definition('one')], 'c1');
    const syncing = CatalogService.create({ store: store.catalog, cache });
    const other = CatalogService.create({ store: store.catalog, cache });
    const everyone = teamAccess([]);
    // both replicas have read (and remember) the page and the item
    for (const replica of [syncing, other]) {
      expect((await replica.list(everyone, { limit: 10 })).totalCount).toBe(1);
      expect((await replica.get(everyone, 'one')).definition.spec.version).toBe('1.0.0');
      expect(await replica.listJson(everyone, { limit: 10 })).toContain('"totalCount":1');
    }

    await write([definition('one', { version: '2.0.0' }), definition('two')], 'c2');
    await syncing.invalidate();

    for (const replica of [syncing, other]) {
      expect((await replica.list(everyone, { limit: 10 })).items.map(i => i.name)).toEqual(['one', 'two']);
      expect((await replica.get(everyone, 'one')).definition.spec.version).toBe('2.0.0');
      const json = JSON.parse(await replica.listJson(everyone, { limit: 10 }));
      expect(json.totalCount).toBe(2);
      expect(json.items[0].definition.spec.version).toBe('2.0.0');
    }
  });

  it('forgets what it read once the entries expire, like the shared cache', async () => {
    await write([definition('one')], 'c1');
    const shortLived = CatalogService.create({ store: store.catalog, cache, ttlMs: 1000 });
    const everyone = teamAccess([]);
    expect((await shortLived.list(everyone, { limit: 10 })).totalCount).toBe(1);
    // a write that no sync announced (no invalidation): visible once the entries expire
    await write([definition('two')], 'c2');
    expect((await shortLived.list(everyone, { limit: 10 })).totalCount).toBe(1);
    await new Promise(r => setTimeout(r, 1100));
    expect((await shortLived.list(everyone, { limit: 10 })).totalCount).toBe(2);
  });

  it('writes listJson as the exact JSON text of list, for every scope, page and cursor', async () => {
    await write(
      [
        definition('pub-1'),
        definition('a-only', { owner: 'team-a', visibility: ['team-a'] }),
        definition('pub-2', { description: 'quotes " and \\ and ünïcödé' }),
        definition('b-only', { owner: 'team-b', visibility: ['team-b'] }),
        definition('pub-3'),
      ],
      'c1',
    );
    const scopes = [teamAccess([]), teamAccess(['team-a']), teamAccess(['team-b']), teamAccess(['team-c'])];
    const hidingAll: CatalogAccess = { visibleToTeams: undefined, matches: () => false };
    for (const access of [...scopes, hidingAll]) {
      for (const query of [{ limit: 2 }, { limit: 50 }, { limit: 1, q: 'pub' }, { limit: 5, q: 'nothing-matches' }]) {
        let cursor: string | undefined;
        do {
          const paged = { ...query, ...(cursor ? { cursor } : {}) };
          const list = await service.list(access, paged);
          expect(await service.listJson(access, paged)).toBe(JSON.stringify(list));
          cursor = list.nextCursor;
        } while (cursor);
      }
    }
  });

  it('reads the store directly when the cache fails', async () => {
    await write([definition('one')], 'c1');
    const broken: CacheService = {
      get: async () => {
        throw new Error('cache down');
      },
      set: async () => undefined,
      delete: async () => undefined,
      withOptions: () => broken,
    };
    const direct = CatalogService.create({ store: store.catalog, cache: broken });
    expect((await direct.list(teamAccess([]), { limit: 5 })).items.map(i => i.name)).toEqual(['one']);
    await expect(direct.invalidate()).resolves.toBeUndefined();
  });
});
