import { createHash } from 'node:crypto';
import {
  CatalogItem,
  CatalogItemVersion,
  ItemSource,
  ResourceDefinition,
} from '@nestor/plugin-nestor-common';
import { CatalogListQuery } from '@nestor/plugin-nestor-node';
import type { Item } from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';
import { canonicalJson } from './canonicalJson';

/** A version entry as written: everything the current item is derived from. */
export interface RevisionDraft {
  name: string;
  rev: number;
  change: CatalogItemVersion['change'];
  syncedAt: string;
  /** creation time of the item this entry belongs to */
  itemCreatedAt: string;
  changedFields: string[];
  definition: ResourceDefinition;
  source: ItemSource;
}

function definitionHash(definition: ResourceDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/**
 * How catalog items map to DynamoDB items. Per buffet item, in its partition
 * `ITEM#<name>`:
 * - `REV#<rev>`: one version entry per change, holding the definition and
 *   its source (compressed); never rewritten.
 * - `CURRENT`: a small summary (filter fields, source, times, `rev` of the
 *   entry it shows, definition hash) carrying the catalog index keys; a
 *   removed item keeps a `removed` marker without index keys.
 * - `TAG#<tag>`: one row per tag, indexed under `CATALOG#TAG#<tag>`.
 */
export const CatalogItemCodec = {
  definitionHash,

  /** A version entry; `writeToken` recognises our own write when a retried put is refused. */
  revisionItem(draft: RevisionDraft, writeToken: string): Item {
    const item = {
      ...keys.catalogRevision(draft.name, draft.rev),
      name: draft.name,
      rev: draft.rev,
      change: draft.change,
      syncedAt: draft.syncedAt,
      itemCreatedAt: draft.itemCreatedAt,
      version: draft.definition.spec.version,
      commit: draft.source.commit,
      changedFields: draft.changedFields,
      wt: writeToken,
      ...ItemBody.encode({
        definition: draft.definition,
        source: draft.source,
      }),
    };
    ItemBody.assertFits(item, `The definition of catalog item "${draft.name}"`);
    return item;
  },

  revisionBody(item: Item): {
    definition: ResourceDefinition;
    source: ItemSource;
  } {
    return ItemBody.decode(item);
  },

  toVersion(item: Item): CatalogItemVersion {
    return {
      name: item.name,
      version: item.version,
      commit: item.commit,
      syncedAt: item.syncedAt,
      change: item.change,
      changedFields: item.changedFields ?? [],
      definition: CatalogItemCodec.revisionBody(item).definition,
    };
  },

  /** The current item showing a version entry (with `source` overriding the entry's, for moves). */
  currentItem(revision: Item, source?: ItemSource): Item {
    const { definition, source: revisionSource } =
      CatalogItemCodec.revisionBody(revision);
    const name = revision.name as string;
    if (revision.change === 'removed') {
      return {
        ...keys.catalogCurrent(name),
        name,
        rev: revision.rev,
        removed: true,
        updatedAt: revision.syncedAt,
      };
    }
    const at = source ?? revisionSource;
    const { metadata, spec } = definition;
    return {
      ...keys.catalogCurrent(name),
      name,
      rev: revision.rev,
      removed: false,
      createdAt: revision.itemCreatedAt,
      updatedAt: revision.syncedAt,
      defHash: definitionHash(definition),
      source: at,
      type: spec.type,
      engine: spec.engine,
      owner: metadata.owner,
      tags: metadata.tags ?? [],
      visibleTo: 'teams' in spec.visibility ? spec.visibility.teams : undefined,
      title: metadata.title,
      description: metadata.description,
      [INDEXES.GSI1.pk]: keys.catalogAll(),
      [INDEXES.GSI1.sk]: name,
      [INDEXES.GSI2.pk]: keys.catalogByType(spec.type),
      [INDEXES.GSI2.sk]: name,
      [INDEXES.GSI3.pk]: keys.catalogByOwner(metadata.owner),
      [INDEXES.GSI3.sk]: name,
      [INDEXES.GSI4.pk]: keys.catalogBySource(at.id),
      [INDEXES.GSI4.sk]: keys.catalogSourceSort(at.path, name),
    };
  },

  /** A live current item after its file moved (definition unchanged, so no new entry). */
  movedItem(current: Item, source: ItemSource): Item {
    return {
      ...current,
      source,
      [INDEXES.GSI4.pk]: keys.catalogBySource(source.id),
      [INDEXES.GSI4.sk]: keys.catalogSourceSort(source.path, current.name),
    };
  },

  tagRow(name: string, tag: string): Item {
    return {
      ...keys.catalogTag(name, tag),
      name,
      [INDEXES.GSI1.pk]: keys.catalogByTag(tag),
      [INDEXES.GSI1.sk]: name,
    };
  },

  /** True when a current item is live (not absent, not removed). */
  isLive(current: Item | undefined): current is Item {
    return Boolean(current && !current.removed);
  },

  toCatalogItem(current: Item, revision: Item): CatalogItem {
    return {
      name: current.name,
      definition: CatalogItemCodec.revisionBody(revision).definition,
      source: current.source,
      createdAt: current.createdAt,
      updatedAt: current.updatedAt,
    };
  },

  /** Whether a current item passes a listing's filters. */
  matches(current: Item, query: CatalogListQuery): boolean {
    if (query.type !== undefined && current.type !== query.type) return false;
    if (query.engine !== undefined && current.engine !== query.engine)
      return false;
    if (query.owner !== undefined && current.owner !== query.owner)
      return false;
    const tags: string[] = current.tags ?? [];
    if (query.tag !== undefined && !tags.includes(query.tag)) return false;
    if (query.q) {
      const q = query.q.toLowerCase();
      const text = [
        current.name,
        current.title ?? '',
        current.description ?? '',
        ...tags,
      ];
      if (!text.some(t => t.toLowerCase().includes(q))) return false;
    }
    if (query.visibleToTeams !== undefined) {
      const teams = new Set(query.visibleToTeams);
      const visibleTo: string[] | undefined = current.visibleTo;
      if (
        visibleTo &&
        !teams.has(current.owner) &&
        !visibleTo.some(t => teams.has(t))
      )
        return false;
    }
    return true;
  },
};
