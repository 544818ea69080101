import { createHash } from 'node:crypto';
import { CatalogItem, ItemSource } from '@nestor/plugin-nestor-common';
import { CatalogItemWrite } from '@nestor/plugin-nestor-node';
import { toDelimitedList } from './delimitedList';

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
  version_id: number | string;
  definition_hash: string;
  source_id: string;
  source_url: string;
  source_path: string;
  source_commit: string;
  source_line: number | null;
  created_at: string;
  updated_at: string;
}

/**
 * The columns a read of a whole item needs, from `catalog_items as i` joined
 * with its current version `catalog_item_versions as v`.
 */
export const CATALOG_ITEM_READ_COLUMNS = [
  'i.name',
  'v.definition',
  'i.source_id',
  'i.source_url',
  'i.source_path',
  'i.source_commit',
  'i.source_line',
  'i.created_at',
  'i.updated_at',
];

/** A row read with {@link CATALOG_ITEM_READ_COLUMNS}. */
export type CatalogItemReadRow = Pick<
  CatalogItemRow,
  | 'name'
  | 'source_id'
  | 'source_url'
  | 'source_path'
  | 'source_commit'
  | 'source_line'
  | 'created_at'
  | 'updated_at'
> & { definition: string };

/** The hash of a definition's JSON text, to skip rewriting an unchanged item. */
export function hashDefinition(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

/** The row stored for one written item. */
export function toCatalogItemRow(
  write: CatalogItemWrite,
  stored: {
    hash: string;
    versionId: number | string;
    createdAt: string;
    updatedAt: string;
  },
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
    visibility_teams:
      'teams' in visibility ? toDelimitedList(visibility.teams) : '',
    tags: toDelimitedList(tags),
    search_text: [
      metadata.name,
      metadata.title ?? '',
      metadata.description ?? '',
      ...tags,
    ]
      .join('\n')
      .toLowerCase(),
    version_id: stored.versionId,
    definition_hash: stored.hash,
    source_id: write.source.id,
    source_url: write.source.url,
    source_path: write.source.path,
    source_commit: write.source.commit,
    source_line: write.source.line ?? null,
    created_at: stored.createdAt,
    updated_at: stored.updatedAt,
  };
}

/** The item a row (or its read columns) stands for. */
export function fromCatalogItemRow(row: CatalogItemReadRow): CatalogItem {
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
  row: Pick<
    CatalogItemRow,
    'source_id' | 'source_url' | 'source_path' | 'source_commit' | 'source_line'
  >,
): ItemSource {
  return {
    id: row.source_id,
    url: row.source_url,
    path: row.source_path,
    commit: row.source_commit,
    ...(row.source_line === null || row.source_line === undefined
      ? {}
      : { line: Number(row.source_line) }),
  };
}
