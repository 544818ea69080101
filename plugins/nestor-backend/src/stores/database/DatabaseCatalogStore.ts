import { CatalogItem, CatalogItemVersion } from '@nestor/plugin-nestor-common';
import {
  CatalogChangeResult,
  CatalogItemWrite,
  CatalogListQuery,
  CatalogStore,
} from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import {
  applyCatalogChanges,
  readCatalogGeneration,
} from './applyCatalogChanges';
import { CatalogCountCache } from './CatalogCountCache';
import {
  CATALOG_ITEM_READ_COLUMNS,
  CatalogItemReadRow,
  fromCatalogItemRow,
} from './catalogItemRow';
import { chunk } from './chunk';
import { decodeKeysetCursor, encodeKeysetCursor } from './keysetCursor';
import { likePattern } from './likePattern';

interface VersionRow {
  id: number | string;
  name: string;
  version: string;
  change: CatalogItemVersion['change'];
  changed_fields: string;
  definition: string;
  source: string;
  synced_at: string;
}

const LIKE = "LIKE ? ESCAPE '\\'";

/**
 * The buffet on Backstage's database. Filters run on plain columns (tags and
 * visibility as `,a,b,` lists, a lower-cased search text), pages are keyset
 * pages on the primary key, so a page is one indexed range scan plus a count.
 */
export class DatabaseCatalogStore implements CatalogStore {
  readonly #db: Knex;
  readonly #counts = new CatalogCountCache();

  constructor(db: Knex) {
    this.#db = db;
  }

  applyChanges(
    changes: { upserts: CatalogItemWrite[]; deletes: string[] },
    context: { syncedAt?: string },
  ): Promise<CatalogChangeResult> {
    return applyCatalogChanges(this.#db, changes, context);
  }

  async getItem(
    name: string,
    options?: { version?: string },
  ): Promise<CatalogItem | undefined> {
    const row = await this.#items().where('i.name', name).first();
    const current = row ? fromCatalogItemRow(row) : undefined;
    if (
      !options?.version ||
      current?.definition.spec.version === options.version
    ) {
      return current;
    }
    const entry: VersionRow | undefined = await this.#db(
      'catalog_item_versions',
    )
      .where({ name, version: options.version })
      .whereNot({ change: 'removed' })
      .orderBy('id', 'desc')
      .first();
    if (!entry) {
      return undefined;
    }
    const created: { synced_at: string } | undefined = await this.#db(
      'catalog_item_versions',
    )
      .select('synced_at')
      .where({ name, change: 'created' })
      .andWhere('id', '<=', entry.id)
      .orderBy('id', 'desc')
      .first();
    return {
      name,
      definition: JSON.parse(entry.definition),
      source: JSON.parse(entry.source),
      createdAt: created?.synced_at ?? entry.synced_at,
      updatedAt: entry.synced_at,
    };
  }

  async getItems(names: string[]): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    for (const slice of chunk([...new Set(names)], 500)) {
      const rows = await this.#items().whereIn('i.name', slice);
      items.push(...rows.map(fromCatalogItemRow));
    }
    return items.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async listItems(query: CatalogListQuery): Promise<{
    items: CatalogItem[];
    nextCursor?: string;
    totalCount: number;
  }> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodeKeysetCursor(query.cursor, 'string');
    const pageQuery = this.#items()
      .where(qb => this.#applyFilters(qb, query))
      .modify(qb => {
        if (after !== undefined) {
          qb.where('i.name', '>', after);
        }
      })
      .orderBy('i.name', 'asc')
      .limit(query.limit + 1);
    const [rows, totalCount] = await Promise.all([
      pageQuery,
      this.#count(query),
    ]);
    const page = rows.slice(0, query.limit).map(fromCatalogItemRow);
    return {
      items: page,
      totalCount,
      ...(rows.length > query.limit
        ? { nextCursor: encodeKeysetCursor(page[page.length - 1].name) }
        : {}),
    };
  }

  async listVersions(name: string): Promise<CatalogItemVersion[]> {
    const rows: VersionRow[] = await this.#db('catalog_item_versions')
      .where({ name })
      .orderBy('id', 'desc');
    return rows.map(row => ({
      name: row.name,
      version: row.version,
      commit: JSON.parse(row.source).commit,
      syncedAt: row.synced_at,
      change: row.change,
      changedFields: JSON.parse(row.changed_fields),
      definition: JSON.parse(row.definition),
    }));
  }

  async listItemsBySource(
    sourceId: string,
    paths?: string[],
  ): Promise<Array<{ name: string; path: string }>> {
    const select = () =>
      this.#db('catalog_items')
        .select('name', 'source_path as path')
        .where({ source_id: sourceId });
    if (paths === undefined) {
      return select().orderBy('name');
    }
    const found: Array<{ name: string; path: string }> = [];
    for (const slice of chunk([...new Set(paths)], 500)) {
      found.push(...(await select().whereIn('source_path', slice)));
    }
    return found.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** How many items match the filters, cached per catalog generation. */
  async #count(query: CatalogListQuery): Promise<number> {
    const generation = await readCatalogGeneration(this.#db);
    const cached = this.#counts.get(generation, query);
    if (cached !== undefined) {
      return cached;
    }
    // the count reads the narrow item rows only
    const [{ count }] = await this.#db('catalog_items as i')
      .where(qb => this.#applyFilters(qb, query))
      .count({ count: '*' });
    this.#counts.set(generation, query, Number(count));
    return Number(count);
  }

  /** Current items joined with the version row that holds their definition. */
  #items(): Knex.QueryBuilder<any, CatalogItemReadRow[]> {
    return this.#db('catalog_items as i')
      .join('catalog_item_versions as v', 'v.id', 'i.version_id')
      .select(CATALOG_ITEM_READ_COLUMNS);
  }

  #applyFilters(qb: Knex.QueryBuilder, query: CatalogListQuery) {
    if (query.type !== undefined) {
      qb.where('i.type', query.type);
    }
    if (query.engine !== undefined) {
      qb.where('i.engine', query.engine);
    }
    if (query.owner !== undefined) {
      qb.where('i.owner', query.owner);
    }
    if (query.tag !== undefined) {
      qb.whereRaw(`i.tags ${LIKE}`, [
        likePattern(query.tag.toLowerCase(), { prefix: ',', suffix: ',' }),
      ]);
    }
    if (query.q !== undefined && query.q !== '') {
      qb.whereRaw(`i.search_text ${LIKE}`, [
        likePattern(query.q.toLowerCase()),
      ]);
    }
    const teams = query.visibleToTeams;
    if (teams !== undefined) {
      qb.where(visible => {
        visible.where('i.visibility_public', true);
        if (teams.length > 0) {
          visible.orWhereIn('i.owner', teams);
          for (const team of teams) {
            visible.orWhereRaw(`i.visibility_teams ${LIKE}`, [
              likePattern(team, { prefix: ',', suffix: ',' }),
            ]);
          }
        }
      });
    }
  }
}
