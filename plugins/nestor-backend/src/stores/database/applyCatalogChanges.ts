import { InputError } from '@backstage/errors';
import { CatalogItem, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { CatalogChangeResult, CatalogItemWrite } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { CatalogItemRow, hashDefinition, sourceOfCatalogItemRow, toCatalogItemRow } from './catalogItemRow';
import { changedFields } from './changedFields';
import { chunk } from './chunk';

/**
 * Rows per multi-row INSERT. Knex writes SQLite multi-row inserts as one
 * compound SELECT, which SQLite caps at 500 terms; 200 rows of 18 columns
 * also stays far below both databases' bound-parameter limits.
 */
const ROWS_PER_STATEMENT = 200;
/** Names per `WHERE name IN (...)`. */
const NAMES_PER_STATEMENT = 500;

/** Every column an upsert rewrites: all but the key and the creation time. */
const MERGED_COLUMNS: Array<keyof CatalogItemRow> = [
  'owner',
  'type',
  'engine',
  'version',
  'visibility_public',
  'visibility_teams',
  'tags',
  'search_text',
  'definition',
  'definition_hash',
  'source_id',
  'source_url',
  'source_path',
  'source_commit',
  'source_line',
  'updated_at',
];

type ExistingRow = Pick<
  CatalogItemRow,
  'name' | 'definition_hash' | 'source_id' | 'source_url' | 'source_path' | 'source_line' | 'source_commit' | 'created_at' | 'updated_at'
>;

interface VersionRow {
  name: string;
  version: string;
  change: 'created' | 'updated' | 'removed';
  changed_fields: string;
  definition: string;
  source: string;
  synced_at: string;
}

/**
 * `CatalogStore.applyChanges` on the database: one transaction, reads and
 * writes in chunks (a 10,000-item sync is some 50 multi-row statements), and
 * nothing written for unchanged items.
 */
export async function applyCatalogChanges(
  db: Knex,
  changes: { upserts: CatalogItemWrite[]; deletes: string[] },
  context: { syncedAt?: string },
): Promise<CatalogChangeResult> {
  const syncedAt = context.syncedAt ?? new Date().toISOString();
  const deletes = [...new Set(changes.deletes)];
  assertDistinctNames(changes.upserts.map(w => w.definition.metadata.name), deletes);
  if (changes.upserts.length === 0 && deletes.length === 0) {
    return { updated: [], removed: [] };
  }

  return db.transaction(async tx => {
    const existing = await readExisting(tx, [...changes.upserts.map(w => w.definition.metadata.name), ...deletes]);
    const removed = deletes.filter(name => existing.has(name));
    const rows: CatalogItemRow[] = [];
    const updated: CatalogItem[] = [];
    const pendingVersions: Array<{ write: CatalogItemWrite; change: 'created' | 'updated' }> = [];

    for (const write of changes.upserts) {
      const name = write.definition.metadata.name;
      const hash = hashDefinition(write.definition);
      const before = existing.get(name);
      if (before && before.definition_hash === hash) {
        if (isSameLocation(before, write.source)) {
          continue;
        }
        rows.push(toCatalogItemRow(write, hash, { createdAt: before.created_at, updatedAt: before.updated_at }));
        continue;
      }
      const createdAt = before?.created_at ?? syncedAt;
      rows.push(toCatalogItemRow(write, hash, { createdAt, updatedAt: syncedAt }));
      updated.push({ name, definition: write.definition, source: write.source, createdAt, updatedAt: syncedAt });
      pendingVersions.push({ write, change: before ? 'updated' : 'created' });
    }

    const previous = await readDefinitions(tx, [
      ...pendingVersions.filter(p => p.change === 'updated').map(p => p.write.definition.metadata.name),
      ...removed,
    ]);
    const versions: VersionRow[] = pendingVersions.map(({ write, change }) => ({
      name: write.definition.metadata.name,
      version: write.definition.spec.version,
      change,
      changed_fields: JSON.stringify(
        change === 'updated' ? changedFields(previous.get(write.definition.metadata.name), write.definition) : [],
      ),
      definition: JSON.stringify(write.definition),
      source: JSON.stringify(write.source),
      synced_at: syncedAt,
    }));
    for (const name of removed) {
      const before = existing.get(name)!;
      const definition = previous.get(name)!;
      versions.push({
        name,
        version: definition.spec.version,
        change: 'removed',
        changed_fields: '[]',
        definition: JSON.stringify(definition),
        source: JSON.stringify(sourceOfCatalogItemRow(before)),
        synced_at: syncedAt,
      });
    }

    for (const slice of chunk(rows, ROWS_PER_STATEMENT)) {
      await tx('catalog_items').insert(slice).onConflict('name').merge(MERGED_COLUMNS);
    }
    for (const slice of chunk(removed, NAMES_PER_STATEMENT)) {
      await tx('catalog_items').whereIn('name', slice).delete();
    }
    for (const slice of chunk(versions, ROWS_PER_STATEMENT)) {
      await tx('catalog_item_versions').insert(slice);
    }
    return { updated, removed };
  });
}

function assertDistinctNames(upserts: string[], deletes: string[]) {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of [...upserts, ...deletes]) {
    if (seen.has(name)) {
      repeated.add(name);
    }
    seen.add(name);
  }
  if (repeated.size > 0) {
    throw new InputError(
      `A catalog change may name an item only once, but these appear more than once: ${[...repeated].join(', ')}`,
    );
  }
}

function isSameLocation(before: ExistingRow, source: CatalogItemWrite['source']) {
  return (
    before.source_id === source.id &&
    before.source_url === source.url &&
    before.source_path === source.path &&
    (before.source_line === null ? undefined : Number(before.source_line)) === source.line
  );
}

async function readExisting(tx: Knex.Transaction, names: string[]): Promise<Map<string, ExistingRow>> {
  const existing = new Map<string, ExistingRow>();
  for (const slice of chunk(names, NAMES_PER_STATEMENT)) {
    const rows: ExistingRow[] = await tx('catalog_items')
      .select('name', 'definition_hash', 'source_id', 'source_url', 'source_path', 'source_line', 'source_commit', 'created_at', 'updated_at')
      .whereIn('name', slice);
    for (const row of rows) {
      existing.set(row.name, row);
    }
  }
  return existing;
}

async function readDefinitions(tx: Knex.Transaction, names: string[]): Promise<Map<string, ResourceDefinition>> {
  const definitions = new Map<string, ResourceDefinition>();
  for (const slice of chunk(names, NAMES_PER_STATEMENT)) {
    const rows: Array<{ name: string; definition: string }> = await tx('catalog_items')
      .select('name', 'definition')
      .whereIn('name', slice);
    for (const row of rows) {
      definitions.set(row.name, JSON.parse(row.definition));
    }
  }
  return definitions;
}
