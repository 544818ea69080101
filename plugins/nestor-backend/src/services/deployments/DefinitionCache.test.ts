import { NestorEvent, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { createTestResourceDefinition } from '@nestor/plugin-nestor-node/testUtils';
import { DefinitionCache } from './DefinitionCache';

function catalogEvent(type: NestorEvent['type'], id = 1): NestorEvent {
  return { id, type, team: null, ref: 'cache', time: new Date().toISOString(), payload: {} };
}

/** A catalog of definitions by name@version that counts its reads. */
function countingCatalog() {
  const definitions = new Map<string, ResourceDefinition>();
  const reads: string[] = [];
  const put = (name: string, version: string, title = name) =>
    definitions.set(`${name}@${version}`, { ...createTestResourceDefinition({ name }), metadata: { ...createTestResourceDefinition({ name }).metadata, title } });
  const load = (name: string, version: string) => async () => {
    reads.push(`${name}@${version}`);
    return definitions.get(`${name}@${version}`);
  };
  return { put, load, reads };
}

describe('DefinitionCache', () => {
  it('reads a definition once per name and version', async () => {
    const catalog = countingCatalog();
    catalog.put('cache', '1.0.0');
    catalog.put('cache', '2.0.0');
    const cache = DefinitionCache.create();
    const first = await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'));
    expect(await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'))).toBe(first);
    await cache.get('cache', '2.0.0', catalog.load('cache', '2.0.0'));
    await cache.get('cache', '2.0.0', catalog.load('cache', '2.0.0'));
    expect(catalog.reads).toEqual(['cache@1.0.0', 'cache@2.0.0']);
    expect(first?.metadata.name).toBe('cache');
  });

  it('keeps no answer for a definition that is not there, so it is found once a sync adds it', async () => {
    const catalog = countingCatalog();
    const cache = DefinitionCache.create();
    expect(await cache.get('queue', '1.0.0', catalog.load('queue', '1.0.0'))).toBeUndefined();
    catalog.put('queue', '1.0.0');
    expect(await cache.get('queue', '1.0.0', catalog.load('queue', '1.0.0'))).toMatchObject({ metadata: { name: 'queue' } });
    expect(catalog.reads).toEqual(['queue@1.0.0', 'queue@1.0.0']);
  });

  it('drops everything on a catalog.updated or catalog.removed event, and nothing on other events', async () => {
    const catalog = countingCatalog();
    catalog.put('cache', '1.0.0', 'Old title');
    const cache = DefinitionCache.create();
    await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'));
    cache.observe([catalogEvent('deployment.phase'), catalogEvent('catalog.sync.failed', 2)]);
    expect(cache.size).toBe(1);
    // a source edited the item without bumping its version
    catalog.put('cache', '1.0.0', 'New title');
    cache.observe([catalogEvent('deployment.phase', 3), catalogEvent('catalog.updated', 4)]);
    expect(cache.size).toBe(0);
    expect((await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0')))?.metadata.title).toBe('New title');
    cache.observe([catalogEvent('catalog.removed', 5)]);
    expect(cache.size).toBe(0);
  });

  it('does not keep what a load read before the catalog changed', async () => {
    const cache = DefinitionCache.create();
    let finish!: (d: ResourceDefinition) => void;
    const loading = cache.get('cache', '1.0.0', () => new Promise(resolve => (finish = resolve)));
    cache.observe([catalogEvent('catalog.updated')]);
    finish(createTestResourceDefinition({ name: 'cache' }));
    expect(await loading).toMatchObject({ metadata: { name: 'cache' } });
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the least recently used first', async () => {
    const catalog = countingCatalog();
    for (const name of ['a', 'b', 'c']) catalog.put(name, '1.0.0');
    const cache = DefinitionCache.create({ maxEntries: 2 });
    await cache.get('a', '1.0.0', catalog.load('a', '1.0.0'));
    await cache.get('b', '1.0.0', catalog.load('b', '1.0.0'));
    await cache.get('a', '1.0.0', catalog.load('a', '1.0.0'));
    await cache.get('c', '1.0.0', catalog.load('c', '1.0.0'));
    expect(cache.size).toBe(2);
    await cache.get('a', '1.0.0', catalog.load('a', '1.0.0'));
    await cache.get('b', '1.0.0', catalog.load('b', '1.0.0'));
    expect(catalog.reads).toEqual(['a@1.0.0', 'b@1.0.0', 'c@1.0.0', 'b@1.0.0']);
  });

  it('reads a definition again after ttlMs', async () => {
    const catalog = countingCatalog();
    catalog.put('cache', '1.0.0');
    let now = 1000;
    const cache = DefinitionCache.create({ ttlMs: 500, now: () => now });
    await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'));
    now += 499;
    await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'));
    now += 1;
    await cache.get('cache', '1.0.0', catalog.load('cache', '1.0.0'));
    expect(catalog.reads).toEqual(['cache@1.0.0', 'cache@1.0.0']);
  });
});
