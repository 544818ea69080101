import { NestorEvent, ResourceDefinition } from '@nestor/plugin-nestor-common';

/** Options of {@link DefinitionCache.create}. @public */
export interface DefinitionCacheOptions {
  /** definitions held at most; the least recently used go first. Default 500. */
  maxEntries?: number;
  /** longest a definition is kept, a bound should an invalidation be missed. Default 60 s. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The definitions the deployment runner works with, by name and version, so
 * that its steps do not read the catalog one by one. A definition at a
 * version changes only when a catalog sync writes the item again (it keeps
 * its version when a source edits it without bumping `spec.version`), and
 * every such write is a `catalog.updated` or `catalog.removed` event, which
 * every replica sees in order on the event bus: {@link DefinitionCache.observe}
 * drops everything then. A load that was under way when the catalog changed
 * is used once and not kept. Only definitions found are kept.
 *
 * Values are shared between callers: they must not be mutated.
 * @public
 */
export class DefinitionCache {
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { definition: ResourceDefinition; expiresAt: number }>();
  #generation = 0;

  static create(options: DefinitionCacheOptions = {}): DefinitionCache {
    return new DefinitionCache(options);
  }

  private constructor(options: DefinitionCacheOptions) {
    this.#maxEntries = options.maxEntries ?? 500;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The definition of `name` at `version`: held, or from `load` (and then held if found). */
  async get(name: string, version: string, load: () => Promise<ResourceDefinition | undefined>): Promise<ResourceDefinition | undefined> {
    const key = `${name}@${version}`;
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now()) {
      // most recently used last: a Map iterates in insertion order
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return entry.definition;
    }
    this.#entries.delete(key);
    const generation = this.#generation;
    const definition = await load();
    if (definition && generation === this.#generation) {
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, { definition, expiresAt: this.#now() + this.#ttlMs });
    }
    return definition;
  }

  /** Takes a batch of the replica's ordered event stream: a catalog change drops every definition held. */
  observe(events: NestorEvent[]): void {
    if (events.some(e => e.type === 'catalog.updated' || e.type === 'catalog.removed')) this.clear();
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
