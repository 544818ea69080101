import { InputError } from '@backstage/errors';
import {
  CatalogItem,
  CatalogItemVersion,
  ItemSource,
} from '@nestor/plugin-nestor-common';
import {
  CatalogChangeResult,
  CatalogItemWrite,
  CatalogListQuery,
  CatalogStore,
} from '@nestor/plugin-nestor-node';
import { KeysetCursor } from '../client/KeysetCursor';
import { mapConcurrently } from '../client/mapConcurrently';
import { Item, TableClient } from '../client/TableClient';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';
import { CatalogItemCodec } from './CatalogItemCodec';
import { CatalogItemWriter } from './CatalogItemWriter';

const CONCURRENCY = 16;

function sameLocation(a: ItemSource, b: ItemSource): boolean {
  return (
    a.id === b.id && a.url === b.url && a.path === b.path && a.line === b.line
  );
}

function findTwice(names: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) {
    (seen.has(name) ? twice : seen).add(name);
  }
  return [...twice];
}

/**
 * The buffet on DynamoDB (see {@link CatalogItemCodec} for the items).
 * Listings read the small current items of one index partition (all items,
 * or those of a type, an owner or a tag), filter and count them, and fetch
 * definitions only for the page returned.
 */
export class DynamoDbCatalogStore implements CatalogStore {
  readonly #table: TableClient;
  readonly #writer: CatalogItemWriter;

  static create(options: { table: TableClient }): DynamoDbCatalogStore {
    return new DynamoDbCatalogStore(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
    this.#writer = CatalogItemWriter.create({ table });
  }

  async applyChanges(
    changes: { upserts: CatalogItemWrite[]; deletes: string[] },
    context: { syncedAt?: string },
  ): Promise<CatalogChangeResult> {
    const upsertNames = changes.upserts.map(u => u.definition.metadata.name);
    const twice = findTwice([...upsertNames, ...new Set(changes.deletes)]);
    if (twice.length > 0) {
      throw new InputError(
        `A catalog batch names these items more than once: ${twice.join(', ')}`,
      );
    }
    const syncedAt = context.syncedAt ?? new Date().toISOString();
    const currents = await this.#currents([...upsertNames, ...changes.deletes]);

    const updated = await mapConcurrently(changes.upserts, CONCURRENCY, write =>
      this.#writer.write(
        write.definition.metadata.name,
        currents.get(write.definition.metadata.name),
        current => {
          if (!CatalogItemCodec.isLive(current)) {
            return { kind: 'revision', change: 'created', write, syncedAt };
          }
          if (
            current.defHash !==
            CatalogItemCodec.definitionHash(write.definition)
          ) {
            return { kind: 'revision', change: 'updated', write, syncedAt };
          }
          return sameLocation(current.source, write.source)
            ? { kind: 'skip' }
            : { kind: 'move', source: write.source };
        },
      ),
    );
    const removed = await mapConcurrently(
      [...new Set(changes.deletes)],
      CONCURRENCY,
      name =>
        this.#writer.write(name, currents.get(name), current =>
          CatalogItemCodec.isLive(current)
            ? { kind: 'revision', change: 'removed', syncedAt }
            : { kind: 'skip' },
        ),
    );
    return {
      updated: updated.filter((i): i is CatalogItem => i !== undefined),
      removed: [...new Set(changes.deletes)].filter(
        (_, i) => removed[i] !== undefined,
      ),
    };
  }

  async getItem(
    name: string,
    options: { version?: string } = {},
  ): Promise<CatalogItem | undefined> {
    const current = await this.#table.get(keys.catalogCurrent(name));
    if (options.version === undefined) {
      if (!CatalogItemCodec.isLive(current)) {
        return undefined;
      }
      const revision = await this.#table.get(
        keys.catalogRevision(name, current.rev),
      );
      return revision && CatalogItemCodec.toCatalogItem(current, revision);
    }
    const [entry] = await this.#table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :rev)',
      FilterExpression: '#version = :version AND #change <> :removed',
      ExpressionAttributeNames: { '#version': 'version', '#change': 'change' },
      ExpressionAttributeValues: {
        ':pk': keys.catalogItemPartition(name),
        ':rev': 'REV#',
        ':version': options.version,
        ':removed': 'removed',
      },
      ScanIndexForward: false,
    });
    if (!entry) {
      return undefined;
    }
    if (CatalogItemCodec.isLive(current) && current.rev === entry.rev) {
      return CatalogItemCodec.toCatalogItem(current, entry);
    }
    const { definition, source } = CatalogItemCodec.revisionBody(entry);
    return {
      name,
      definition,
      source,
      createdAt: entry.itemCreatedAt,
      updatedAt: entry.syncedAt,
    };
  }

  async getItems(names: string[]): Promise<CatalogItem[]> {
    const live = [...(await this.#currents(names)).values()].filter(
      CatalogItemCodec.isLive,
    );
    return this.#hydrate(live.sort((a, b) => (a.name < b.name ? -1 : 1)));
  }

  async listItems(query: CatalogListQuery): Promise<{
    items: CatalogItem[];
    nextCursor?: string;
    totalCount: number;
  }> {
    const after =
      query.cursor !== undefined
        ? KeysetCursor.decode(query.cursor)
        : undefined;
    const matching = (await this.#candidates(query))
      .filter(
        current =>
          CatalogItemCodec.isLive(current) &&
          CatalogItemCodec.matches(current, query),
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const rest =
      after === undefined
        ? matching
        : matching.filter(current => current.name > after);
    const page = rest.slice(0, query.limit);
    return {
      items: await this.#hydrate(page),
      nextCursor:
        rest.length > page.length && page.length > 0
          ? KeysetCursor.encode(page[page.length - 1].name)
          : undefined,
      totalCount: matching.length,
    };
  }

  async listVersions(name: string): Promise<CatalogItemVersion[]> {
    const entries = await this.#table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :rev)',
      ExpressionAttributeValues: {
        ':pk': keys.catalogItemPartition(name),
        ':rev': 'REV#',
      },
      ScanIndexForward: false,
    });
    return entries.map(CatalogItemCodec.toVersion);
  }

  async listItemsBySource(
    sourceId: string,
    paths?: string[],
  ): Promise<Array<{ name: string; path: string }>> {
    const partition = keys.catalogBySource(sourceId);
    const byPath = (path: string) =>
      this.#table.queryAll({
        IndexName: INDEXES.GSI4.name,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: {
          '#pk': INDEXES.GSI4.pk,
          '#sk': INDEXES.GSI4.sk,
        },
        ExpressionAttributeValues: {
          ':pk': partition,
          ':prefix': keys.catalogSourceSort(path, ''),
        },
      });
    const items =
      paths === undefined
        ? await this.#table.queryIndexPartition(INDEXES.GSI4, partition)
        : (await Promise.all([...new Set(paths)].map(byPath))).flat();
    const wanted = paths && new Set(paths);
    return items
      .filter(item => !wanted || wanted.has(item.source.path))
      .map(item => ({
        name: item.name as string,
        path: item.source.path as string,
      }));
  }

  /** Current items by name (absent names are missing from the map). */
  async #currents(names: string[]): Promise<Map<string, Item>> {
    const items = await this.#table.batchGet(names.map(keys.catalogCurrent));
    return new Map(items.map(item => [item.name as string, item]));
  }

  /** The current items a listing has to look at, read from the narrowest index partition. */
  async #candidates(query: CatalogListQuery): Promise<Item[]> {
    if (query.owner !== undefined) {
      return this.#table.queryIndexPartition(
        INDEXES.GSI3,
        keys.catalogByOwner(query.owner),
      );
    }
    if (query.type !== undefined) {
      return this.#table.queryIndexPartition(
        INDEXES.GSI2,
        keys.catalogByType(query.type),
      );
    }
    if (query.tag !== undefined) {
      const rows = await this.#table.queryIndexPartition(
        INDEXES.GSI1,
        keys.catalogByTag(query.tag),
      );
      return [...(await this.#currents(rows.map(row => row.name))).values()];
    }
    return this.#table.queryIndexPartition(INDEXES.GSI1, keys.catalogAll());
  }

  /** Full items for live current items, in the given order. */
  async #hydrate(currents: Item[]): Promise<CatalogItem[]> {
    const revisions = await this.#table.batchGet(
      currents.map(c => keys.catalogRevision(c.name, c.rev)),
    );
    const byKey = new Map(revisions.map(r => [`${r.name}#${r.rev}`, r]));
    return currents.flatMap(current => {
      const revision = byKey.get(`${current.name}#${current.rev}`);
      return revision
        ? [CatalogItemCodec.toCatalogItem(current, revision)]
        : [];
    });
  }
}
