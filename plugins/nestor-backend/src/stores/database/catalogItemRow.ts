import { createHash } from 'node:crypto';
import { CatalogItem, ItemSource, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { CatalogItemWrite } from '@nestor/plugin-nestor-node';
import { toDelimitedList } from './delimitedList';
import { stableStringify } from './stableStringify';

/** A row of `catalog_items`. */
export interface CatalogItemRow {
  name: string;
  owner: string;
  type: string;
  engine: string;
  version: string;
  visibility_public: boolean | number;
  visibility_teams: string;
  tags: string;
  search_text: string;
  definition: string;
  definition_hash: string;
  source_id: string;
  source_url: string;
  source_path: string;
  source_commit: string;
  source_line: number | null;
  created_at: string;
  updated_at: string;
}

/** The columns a read of a whole item needs. */
export const CATALOG_ITEM_READ_COLUMNS = [
  'name',
  'definition',
  'source_id',
  'source_url',
  'source_path',
  'source_commit',
  'source_line',
  'created_at',
  'updated_at',
] as const;

/** The hash that tells whether a definition changed, whatever its key order. */
export function hashDefinition(definition: ResourceDefinition): string {
  return createHash('sha256').update(stableStringify(definition)).digest('hex');
}

/** The row stored for one written item. */
export function toCatalogItemRow(
  write: CatalogItemWrite,
  hash: string,
  times: { createdAt: string; updatedAt: string },
): CatalogItemRow {
  const { metadata, spec } = write.definition;
  const visibility = spec.visibility ?? { public: true };
  const tags = metadata.tags ?? [];
  return {
    name: metadata.name,
    owner: metadata.owner,
    type: spec.type,
    engine: spec.engine,
    version: spec.version,
    visibility_public: 'public' in visibility && visibility.public === true,
    visibility_teams: 'teams' in visibility ? toDelimitedList(visibility.teams) : '',
    tags: toDelimitedList(tags),
    search_text: [metadata.name, metadata.title ?? '', metadata.description ?? '', ...tags].join('\n').toLowerCase(),
    definition: JSON.stringify(write.definition),
    definition_hash: hash,
    source_id: write.source.id,
    source_url: write.source.url,
    source_path: write.source.path,
    source_commit: write.source.commit,
    source_line: write.source.line ?? null,
    created_at: times.createdAt,
    updated_at: times.updatedAt,
  };
}

/** The item a row (or its read columns) stands for. */
export function fromCatalogItemRow(row: Pick<CatalogItemRow, (typeof CATALOG_ITEM_READ_COLUMNS)[number]>): CatalogItem {
  return {
    name: row.name,
    definition: JSON.parse(row.definition),
    source: sourceOfCatalogItemRow(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Where the item of a row was read from. */
export function sourceOfCatalogItemRow(
  row: Pick<CatalogItemRow, 'source_id' | 'source_url' | 'source_path' | 'source_commit' | 'source_line'>,
): ItemSource {
  return {
    id: row.source_id,
    url: row.source_url,
    path: row.source_path,
    commit: row.source_commit,
    ...(row.source_line === null || row.source_line === undefined ? {} : { line: Number(row.source_line) }),
  };
}
