/** A caller's batch waiting for the next write. */
interface Waiting<T, R> {
  items: T[];
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

/**
 * Combines concurrent batches into one write, with at most one write in
 * flight: a batch that arrives while a write runs waits for it, then goes
 * with every other batch that waited, in arrival order. `write` returns one
 * result per item, in order; each caller gets the results of its own items,
 * so a batch stays contiguous. When a combined write fails, each batch of it
 * is written again alone, so one caller's bad batch fails only that caller.
 * A group holds whole batches, up to `maxItems` (a larger batch goes alone).
 */
export class WriteCombiner<T, R> {
  readonly #write: (items: T[]) => Promise<R[]>;
  readonly #maxItems: number;
  #queue: Waiting<T, R>[] = [];
  #writing = false;

  constructor(
    write: (items: T[]) => Promise<R[]>,
    options: { maxItems: number },
  ) {
    this.#write = write;
    this.#maxItems = options.maxItems;
  }

  /** Writes `items` (with whatever else is waiting); their results, in order. */
  add(items: T[]): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        await this.#writeGroup(this.#takeGroup());
      }
    } finally {
      this.#writing = false;
    }
  }

  #takeGroup(): Waiting<T, R>[] {
    let count = this.#queue[0].items.length;
    let end = 1;
    while (
      end < this.#queue.length &&
      count + this.#queue[end].items.length <= this.#maxItems
    ) {
      count += this.#queue[end].items.length;
      end++;
    }
    return this.#queue.splice(0, end);
  }

  async #writeGroup(group: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.#write(group.flatMap(w => w.items));
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      for (const waiting of group) await this.#writeGroup([waiting]);
      return;
    }
    let offset = 0;
    for (const waiting of group) {
      waiting.resolve(results.slice(offset, offset + waiting.items.length));
      offset += waiting.items.length;
    }
  }
}
