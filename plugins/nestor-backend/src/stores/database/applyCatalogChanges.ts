import { InputError } from '@backstage/errors';
import { CatalogItem } from '@nestor/plugin-nestor-common';
import {
  CatalogChangeResult,
  CatalogItemWrite,
} from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import {
  CatalogItemRow,
  hashDefinition,
  sourceOfCatalogItemRow,
  toCatalogItemRow,
} from './catalogItemRow';
import { changedFields } from './changedFields';
import { chunk } from './chunk';
import { insertRows } from './insertRows';

/** The counter every catalog write bumps. */
const CATALOG_GENERATION = 'catalog';

/** The current catalog generation: it changes whenever an item is written or removed. */
export async function readCatalogGeneration(db: Knex): Promise<number> {
  const row = await db('counters')
    .select('value')
    .where({ name: CATALOG_GENERATION })
    .first();
  return Number(row?.value ?? 0);
}

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
  'version_id',
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
  | 'name'
  | 'definition_hash'
  | 'version_id'
  | 'source_id'
  | 'source_url'
  | 'source_path'
  | 'source_line'
  | 'source_commit'
  | 'created_at'
  | 'updated_at'
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

/** An upsert that writes something. */
interface PendingWrite {
  write: CatalogItemWrite;
  /** the definition as stored */
  json: string;
  hash: string;
  before?: ExistingRow;
  /**
   * The fields that changed since `before`. Empty when the definition is the
   * same (a moved item, or the same content with keys in another order): then
   * only the row is rewritten and the item keeps its version.
   */
  fields?: string[];
}

/**
 * `CatalogStore.applyChanges` on the database, in one transaction: read the
 * stored hashes of the named items, skip what is unchanged, then write the
 * history rows (which hold the definitions) and the narrow item rows with
 * multi-row statements, a few for a 10,000-item sync.
 */
export async function applyCatalogChanges(
  db: Knex,
  changes: { upserts: CatalogItemWrite[]; deletes: string[] },
  context: { syncedAt?: string },
): Promise<CatalogChangeResult> {
  const syncedAt = context.syncedAt ?? new Date().toISOString();
  const deletes = [...new Set(changes.deletes)];
  assertDistinctNames(
    changes.upserts.map(w => w.definition.metadata.name),
    deletes,
  );
  if (changes.upserts.length === 0 && deletes.length === 0) {
    return { updated: [], removed: [] };
  }

  return db.transaction(async tx => {
    const existing = await readExisting(tx, [
      ...changes.upserts.map(w => w.definition.metadata.name),
      ...deletes,
    ]);
    const removed = deletes.filter(name => existing.has(name));
    const pending: PendingWrite[] = [];
    for (const write of changes.upserts) {
      const json = JSON.stringify(write.definition);
      const hash = hashDefinition(json);
      const before = existing.get(write.definition.metadata.name);
      if (
        !before ||
        before.definition_hash !== hash ||
        !isSameLocation(before, write.source)
      ) {
        pending.push({ write, json, hash, before });
      }
    }

    // Hashes are of the JSON text, so a differing hash may still be the same
    // content in another key order: the field comparison decides.
    const previous = await readDefinitions(tx, [
      ...pending
        .filter(p => p.before && p.before.definition_hash !== p.hash)
        .map(p => p.write.definition.metadata.name),
      ...removed,
    ]);
    for (const p of pending) {
      if (p.before) {
        const stored = previous.get(p.write.definition.metadata.name);
        p.fields =
          stored === undefined
            ? []
            : changedFields(JSON.parse(stored), p.write.definition);
      }
    }
    const isNewVersion = (p: PendingWrite) =>
      p.fields === undefined || p.fields.length > 0;

    const versions: VersionRow[] = pending.filter(isNewVersion).map(p => ({
      name: p.write.definition.metadata.name,
      version: p.write.definition.spec.version,
      change: p.before ? 'updated' : 'created',
      changed_fields: JSON.stringify(p.fields ?? []),
      definition: p.json,
      source: JSON.stringify(p.write.source),
      synced_at: syncedAt,
    }));
    for (const name of removed) {
      const definition = previous.get(name)!;
      versions.push({
        name,
        version: JSON.parse(definition).spec.version,
        change: 'removed',
        changed_fields: '[]',
        definition,
        source: JSON.stringify(sourceOfCatalogItemRow(existing.get(name)!)),
        synced_at: syncedAt,
      });
    }
    const inserted = await insertRows(
      tx,
      'catalog_item_versions',
      versions as unknown as Array<Record<string, unknown>>,
      {
        returning: ['id', 'name', 'change'],
      },
    );
    const versionIds = new Map(
      inserted
        .filter(r => r.change !== 'removed')
        .map(r => [r.name as string, r.id as number]),
    );

    const updated: CatalogItem[] = [];
    const rows = pending.map(p => {
      const name = p.write.definition.metadata.name;
      if (!isNewVersion(p)) {
        // moved, or only re-hashed: an unmoved item also keeps its commit, so
        // nothing anyone reads changes
        const before = p.before!;
        const row = toCatalogItemRow(p.write, {
          hash: p.hash,
          versionId: before.version_id,
          createdAt: before.created_at,
          updatedAt: before.updated_at,
        });
        return isSameLocation(before, p.write.source)
          ? { ...row, source_commit: before.source_commit }
          : row;
      }
      const createdAt = p.before?.created_at ?? syncedAt;
      updated.push({
        name,
        definition: p.write.definition,
        source: p.write.source,
        createdAt,
        updatedAt: syncedAt,
      });
      return toCatalogItemRow(p.write, {
        hash: p.hash,
        versionId: versionIds.get(name)!,
        createdAt,
        updatedAt: syncedAt,
      });
    });
    await insertRows(
      tx,
      'catalog_items',
      rows as unknown as Array<Record<string, unknown>>,
      {
        onConflict: { key: ['name'], merge: MERGED_COLUMNS },
      },
    );
    for (const slice of chunk(removed, NAMES_PER_STATEMENT)) {
      await tx('catalog_items').whereIn('name', slice).delete();
    }
    if (pending.length > 0 || removed.length > 0) {
      await tx('counters')
        .where({ name: CATALOG_GENERATION })
        .increment('value', 1);
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
      `A catalog change may name an item only once, but these appear more than once: ${[
        ...repeated,
      ].join(', ')}`,
    );
  }
}

function isSameLocation(
  before: ExistingRow,
  source: CatalogItemWrite['source'],
) {
  return (
    before.source_id === source.id &&
    before.source_url === source.url &&
    before.source_path === source.path &&
    (before.source_line === null ? undefined : Number(before.source_line)) ===
      source.line
  );
}

async function readExisting(
  tx: Knex.Transaction,
  names: string[],
): Promise<Map<string, ExistingRow>> {
  const existing = new Map<string, ExistingRow>();
  for (const slice of chunk(names, NAMES_PER_STATEMENT)) {
    const rows: ExistingRow[] = await tx('catalog_items')
      .select(
        'name',
        'definition_hash',
        'version_id',
        'source_id',
        'source_url',
        'source_path',
        'source_line',
        'source_commit',
        'created_at',
        'updated_at',
      )
      .whereIn('name', slice);
    for (const row of rows) {
      existing.set(row.name, row);
    }
  }
  return existing;
}

/** The stored definitions (JSON text) of the named current items. */
async function readDefinitions(
  tx: Knex.Transaction,
  names: string[],
): Promise<Map<string, string>> {
  const definitions = new Map<string, string>();
  for (const slice of chunk(names, NAMES_PER_STATEMENT)) {
    const rows: Array<{ name: string; definition: string }> = await tx(
      'catalog_items as i',
    )
      .join('catalog_item_versions as v', 'v.id', 'i.version_id')
      .select('i.name', 'v.definition')
      .whereIn('i.name', slice);
    for (const row of rows) {
      definitions.set(row.name, row.definition);
    }
  }
  return definitions;
}
