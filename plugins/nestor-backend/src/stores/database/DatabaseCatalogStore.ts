import { CatalogItem, CatalogItemVersion } from '@nestor/plugin-nestor-common';
import {
  CatalogChangeResult,
  CatalogItemWrite,
  CatalogListQuery,
  CatalogStore,
} from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { applyCatalogChanges } from './applyCatalogChanges';
import { CATALOG_ITEM_READ_COLUMNS, CatalogItemRow, fromCatalogItemRow } from './catalogItemRow';
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

  constructor(db: Knex) {
    this.#db = db;
  }

  applyChanges(
    changes: { upserts: CatalogItemWrite[]; deletes: string[] },
    context: { syncedAt?: string },
  ): Promise<CatalogChangeResult> {
    return applyCatalogChanges(this.#db, changes, context);
  }

  async getItem(name: string, options?: { version?: string }): Promise<CatalogItem | undefined> {
    const row = await this.#db('catalog_items').select(CATALOG_ITEM_READ_COLUMNS).where({ name }).first();
    const current = row ? fromCatalogItemRow(row) : undefined;
    if (!options?.version || current?.definition.spec.version === options.version) {
      return current;
    }
    const entry: VersionRow | undefined = await this.#db('catalog_item_versions')
      .where({ name, version: options.version })
      .whereNot({ change: 'removed' })
      .orderBy('id', 'desc')
      .first();
    if (!entry) {
      return undefined;
    }
    const created: { synced_at: string } | undefined = await this.#db('catalog_item_versions')
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
      const rows = await this.#db('catalog_items').select(CATALOG_ITEM_READ_COLUMNS).whereIn('name', slice);
      items.push(...rows.map(fromCatalogItemRow));
    }
    return items.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async listItems(query: CatalogListQuery): Promise<{ items: CatalogItem[]; nextCursor?: string; totalCount: number }> {
    const after = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, 'string');
    const filtered = this.#db<CatalogItemRow>('catalog_items').where(qb => this.#applyFilters(qb, query));
    const pageQuery = filtered
      .clone()
      .select(CATALOG_ITEM_READ_COLUMNS)
      .modify(qb => {
        if (after !== undefined) {
          qb.where('name', '>', after);
        }
      })
      .orderBy('name', 'asc')
      .limit(query.limit + 1);
    const countQuery = filtered.clone().count({ count: '*' });
    const [rows, counted] = await Promise.all([pageQuery, countQuery]);
    const page = rows.slice(0, query.limit).map(fromCatalogItemRow);
    return {
      items: page,
      totalCount: Number(counted[0].count),
      ...(rows.length > query.limit ? { nextCursor: encodeKeysetCursor(page[page.length - 1].name) } : {}),
    };
  }

  async listVersions(name: string): Promise<CatalogItemVersion[]> {
    const rows: VersionRow[] = await this.#db('catalog_item_versions').where({ name }).orderBy('id', 'desc');
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

  async listItemsBySource(sourceId: string, paths?: string[]): Promise<Array<{ name: string; path: string }>> {
    const select = () => this.#db('catalog_items').select('name', 'source_path as path').where({ source_id: sourceId });
    if (paths === undefined) {
      return select().orderBy('name');
    }
    const found: Array<{ name: string; path: string }> = [];
    for (const slice of chunk([...new Set(paths)], 500)) {
      found.push(...(await select().whereIn('source_path', slice)));
    }
    return found.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  #applyFilters(qb: Knex.QueryBuilder, query: CatalogListQuery) {
    if (query.type !== undefined) {
      qb.where('type', query.type);
    }
    if (query.engine !== undefined) {
      qb.where('engine', query.engine);
    }
    if (query.owner !== undefined) {
      qb.where('owner', query.owner);
    }
    if (query.tag !== undefined) {
      qb.whereRaw(`tags ${LIKE}`, [likePattern(query.tag.toLowerCase(), { prefix: ',', suffix: ',' })]);
    }
    if (query.q !== undefined && query.q !== '') {
      qb.whereRaw(`search_text ${LIKE}`, [likePattern(query.q.toLowerCase())]);
    }
    const teams = query.visibleToTeams;
    if (teams !== undefined) {
      qb.where(visible => {
        visible.where('visibility_public', true);
        if (teams.length > 0) {
          visible.orWhereIn('owner', teams);
          for (const team of teams) {
            visible.orWhereRaw(`visibility_teams ${LIKE}`, [likePattern(team, { prefix: ',', suffix: ',' })]);
          }
        }
      });
    }
  }
}
