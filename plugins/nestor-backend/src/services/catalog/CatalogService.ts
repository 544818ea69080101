import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import { CatalogItem, CatalogItemVersion, CatalogListResponse, CatalogQuery } from '@nestor/plugin-nestor-common';
import { CatalogListQuery, CatalogStore } from '@nestor/plugin-nestor-node';
import { CatalogAccess } from '../../permissions/AccessService';
import { readAuthorizedPage } from '../../permissions/readAuthorizedPage';
import { GenerationMemo } from './GenerationMemo';

const GENERATION_KEY = 'catalog:generation';

/**
 * Buffet reads for the API: lists, items, versions, each limited to what the
 * caller's {@link CatalogAccess} lets them see. A hidden item answers exactly
 * like a missing one (NotFoundError), so its existence does not leak.
 *
 * Store answers are cached in `coreServices.cache` under a generation number
 * that {@link CatalogService.invalidate} replaces after each sync that
 * changed something; entries of older generations are never read again and
 * expire with their TTL. Visibility is applied after the cache, so one entry
 * serves every caller with the same query scope.
 *
 * Under the shared cache a {@link GenerationMemo} keeps what this process
 * already read for the current generation, and each item's JSON text, so a
 * repeated page costs a generation read, a map lookup and the visibility
 * test of its items, not a deserialization and a serialization of all of them.
 * @public
 */
export class CatalogService {
  readonly #store: CatalogStore;
  readonly #cache?: CacheService;
  readonly #logger?: LoggerService;
  readonly #memo: GenerationMemo;
  /** each item's JSON text, computed once per loaded item object */
  readonly #json = new WeakMap<CatalogItem, string>();

  static create(options: { store: CatalogStore; cache?: CacheService; logger?: LoggerService; ttlMs?: number }): CatalogService {
    return new CatalogService(options);
  }

  private constructor(options: { store: CatalogStore; cache?: CacheService; logger?: LoggerService; ttlMs?: number }) {
    this.#store = options.store;
    this.#cache = options.cache?.withOptions({ defaultTtl: options.ttlMs ?? 30_000 });
    this.#logger = options.logger;
    this.#memo = new GenerationMemo({ ttlMs: options.ttlMs ?? 30_000 });
  }

  async list(access: CatalogAccess, query: CatalogQuery & { limit: number }): Promise<CatalogListResponse> {
    const page = await this.#listPage(access, query);
    return { items: page.items, totalCount: page.totalCount, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /**
   * {@link CatalogService.list} as the JSON text `res.json` would send, from
   * each item's text kept with the cached item: what `GET /catalog` answers.
   */
  async listJson(access: CatalogAccess, query: CatalogQuery & { limit: number }): Promise<string> {
    const page = await this.#listPage(access, query);
    const items = page.items.map(item => this.#jsonOf(item)).join(',');
    const cursor = page.nextCursor ? `,"nextCursor":${JSON.stringify(page.nextCursor)}` : '';
    return `{"items":[${items}],"totalCount":${JSON.stringify(page.totalCount)}${cursor}}`;
  }

  #jsonOf(item: CatalogItem): string {
    let json = this.#json.get(item);
    if (json === undefined) {
      json = JSON.stringify(item);
      this.#json.set(item, json);
    }
    return json;
  }

  async #listPage(
    access: CatalogAccess,
    query: CatalogQuery & { limit: number },
  ): Promise<{ items: CatalogItem[]; totalCount: number; nextCursor?: string }> {
    const base: CatalogListQuery = {
      q: query.q,
      type: query.type,
      engine: query.engine,
      tag: query.tag,
      owner: query.owner,
      visibleToTeams: access.visibleToTeams ? [...access.visibleToTeams].sort() : undefined,
      limit: query.limit,
    };
    let totalCount: number | undefined;
    const page = await readAuthorizedPage<CatalogItem>({
      limit: query.limit,
      cursor: query.cursor,
      matches: item => access.matches(item),
      fetch: async ({ limit, cursor }) => {
        const storeQuery = { ...base, limit, cursor };
        const result = await this.#cached(`list:${JSON.stringify(storeQuery)}`, () => this.#store.listItems(storeQuery));
        totalCount ??= result.totalCount;
        return result;
      },
    });
    return { items: page.items, totalCount: totalCount ?? 0, nextCursor: page.nextCursor };
  }

  /** The item (or one of its versions); NotFoundError when missing or hidden from the caller. */
  async get(access: CatalogAccess, name: string, options: { version?: string } = {}): Promise<CatalogItem> {
    const current = await this.#getItem(name);
    if (current && !access.matches(current)) throw notFound(name);
    if (!options.version) {
      if (!current) throw notFound(name);
      return current;
    }
    const versioned = await this.#cached(`item:${name}@${options.version}`, async () =>
      (await this.#store.getItem(name, { version: options.version })) ?? null,
    );
    if (!versioned || !access.matches(versioned)) throw notFound(name, options.version);
    return versioned;
  }

  /**
   * {@link CatalogService.get} as the JSON text `res.json` would send, kept
   * with the cached item: what `GET /catalog/{name}` answers.
   */
  async getJson(access: CatalogAccess, name: string, options: { version?: string } = {}): Promise<string> {
    return this.#jsonOf(await this.get(access, name, options));
  }

  /** The item's history, newest first; NotFoundError when the caller may not see the item. */
  async versions(access: CatalogAccess, name: string): Promise<CatalogItemVersion[]> {
    const [current, versions] = await Promise.all([
      this.#getItem(name),
      this.#cached(`versions:${name}`, () => this.#store.listVersions(name)),
    ]);
    const anchor = current ?? (versions[0] ? versionItem(versions[0]) : undefined);
    if (!anchor || !access.matches(anchor)) throw notFound(name);
    return versions.filter(v => access.matches(versionItem(v)));
  }

  /** Makes every cached read stale (after a sync changed the buffet). */
  async invalidate(): Promise<void> {
    if (!this.#cache) return;
    this.#memo.clear();
    try {
      await this.#cache.set(GENERATION_KEY, `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, {
        ttl: 365 * 24 * 3600_000,
      });
    } catch (error) {
      this.#logger?.warn(`Could not invalidate the catalog cache: ${(error as Error).message}`);
    }
  }

  #getItem(name: string): Promise<CatalogItem | undefined> {
    return this.#cached(`item:${name}`, async () => (await this.#store.getItem(name)) ?? null).then(i => i ?? undefined);
  }

  async #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cache = this.#cache;
    if (!cache) return load();
    let generation: string;
    let hit: unknown;
    try {
      generation = (await cache.get<string>(GENERATION_KEY)) ?? '0';
      const local = this.#memo.get(generation, key);
      if (local !== undefined) return local as T;
      hit = await cache.get(`catalog:${generation}:${key}`);
    } catch (error) {
      this.#logger?.warn(`Catalog cache read failed, reading the store: ${(error as Error).message}`);
      return load();
    }
    if (hit !== undefined) {
      this.#memo.set(generation, key, hit);
      return hit as T;
    }
    const value = await load();
    this.#memo.set(generation, key, value);
    cache.set(`catalog:${generation}:${key}`, value as unknown as JsonValue).catch(() => undefined);
    return value;
  }
}

function notFound(name: string, version?: string): NotFoundError {
  return new NotFoundError(version ? `No version ${version} of catalog item "${name}"` : `No catalog item "${name}"`);
}

/** A history entry in the shape visibility rules read. */
function versionItem(version: CatalogItemVersion): CatalogItem {
  return {
    name: version.name,
    definition: version.definition,
    source: { id: '', url: '', path: '', commit: version.commit },
    createdAt: version.syncedAt,
    updatedAt: version.syncedAt,
  };
}
