import { CatalogListQuery } from '@nestor/plugin-nestor-node';

const MAX_ENTRIES = 1000;

/**
 * Total counts of catalog queries, valid for one catalog generation (the
 * `catalog` counter every catalog write bumps, in the database so that every
 * replica sees it). The buffet changes only when a source syncs, while the
 * same filters are asked again and again; a count over 10,000 rows costs
 * milliseconds, a generation read a primary-key lookup.
 */
export class CatalogCountCache {
  #generation = -1;
  readonly #counts = new Map<string, number>();

  get(generation: number, query: CatalogListQuery): number | undefined {
    return generation === this.#generation
      ? this.#counts.get(keyOf(query))
      : undefined;
  }

  set(generation: number, query: CatalogListQuery, count: number): void {
    if (generation < this.#generation) {
      return;
    }
    if (generation > this.#generation || this.#counts.size >= MAX_ENTRIES) {
      this.#counts.clear();
      this.#generation = generation;
    }
    this.#counts.set(keyOf(query), count);
  }
}

function keyOf(query: CatalogListQuery): string {
  return JSON.stringify([
    query.q ?? null,
    query.type ?? null,
    query.engine ?? null,
    query.tag ?? null,
    query.owner ?? null,
    query.visibleToTeams ? [...query.visibleToTeams].sort() : null,
  ]);
}
