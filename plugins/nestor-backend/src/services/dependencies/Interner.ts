/**
 * Maps strings to small dense integers and back, so that the graph can keep
 * teams, environments, types and versions in typed arrays.
 * @internal
 */
export class Interner {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [];

  /** The id of `value`, assigning the next one on first sight. */
  id(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.length;
      this.#values.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }

  /** The id of `value`, or -1 when it was never seen. */
  find(value: string): number {
    return this.#ids.get(value) ?? -1;
  }

  value(id: number): string {
    return this.#values[id];
  }

  get size(): number {
    return this.#values.length;
  }
}
