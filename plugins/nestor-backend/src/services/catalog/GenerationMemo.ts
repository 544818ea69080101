/**
 * Values already read in this process for one cache generation, so a hit
 * costs a map lookup instead of deserializing the shared cache's copy (which
 * was most of the time of a `GET /catalog` page).
 *
 * It is a layer under the generation the shared cache holds, never a
 * replacement for it: the caller reads the current generation first and
 * passes it in, so an invalidation (a new generation) is seen by the next
 * read, on this replica and on every other one sharing the cache. An entry
 * lives at most `ttlMs`, like the shared entries, and the memo holds at most
 * `maxEntries` (256), dropping expired entries, then the oldest, first.
 * Everything is dropped when the generation changes.
 *
 * Values are shared between callers: they must not be mutated.
 * @public
 */
export class GenerationMemo {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation: string | undefined;
  readonly #entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(options: { ttlMs: number; maxEntries?: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    // a list page of 50 items is some 50 kB: a few hundred pages at most
    this.#maxEntries = options.maxEntries ?? 256;
    this.#now = options.now ?? Date.now;
  }

  /** The value of `key` read under `generation`, unless it expired or the generation moved on. */
  get(generation: string, key: string): unknown | undefined {
    if (generation !== this.#generation) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(generation: string, key: string, value: unknown): void {
    if (generation !== this.#generation) {
      this.#entries.clear();
      this.#generation = generation;
    }
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) this.#dropExpired();
    if (this.#entries.size >= this.#maxEntries) {
      // the oldest insertion first: a Map iterates in insertion order
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
  }

  #dropExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  /** Forgets everything (this replica's own invalidation). */
  clear(): void {
    this.#entries.clear();
    this.#generation = undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}
