import { randomUUID } from 'node:crypto';
import { CatalogItem, ItemSource } from '@nestor/plugin-nestor-common';
import { CatalogItemWrite } from '@nestor/plugin-nestor-node';
import {
  isConditionalCheckFailed,
  Item,
  TableClient,
} from '../client/TableClient';
import { keys } from '../schema/keys';
import { changedFields } from './changedFields';
import { CatalogItemCodec, RevisionDraft } from './CatalogItemCodec';

/** What to do with one item, decided from its current state. */
export type CatalogWriteDecision =
  | { kind: 'skip' }
  | { kind: 'move'; source: ItemSource }
  | {
      kind: 'revision';
      change: 'created' | 'updated';
      write: CatalogItemWrite;
      syncedAt: string;
    }
  | { kind: 'revision'; change: 'removed'; syncedAt: string };

const MAX_ROUNDS = 10;

/**
 * Writes one catalog item without transactions. A change first claims the
 * next version entry `REV#<rev+1>` with a conditional put (only one writer
 * can), then points the current item at it with a put conditional on the
 * `rev` it read. The entry is the intent: a writer that finds the next entry
 * already claimed but the current item not yet moved (its writer died in
 * between) finishes that write ("rolls it forward") and decides again, so no
 * change is lost or applied twice, and two syncs racing on one item end with
 * the later one on top of the earlier one.
 */
export class CatalogItemWriter {
  readonly #table: TableClient;

  static create(options: { table: TableClient }): CatalogItemWriter {
    return new CatalogItemWriter(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
  }

  /**
   * Applies what `decide` says for the item's current state (re-read and
   * decided again after a conflict). Returns the created or updated item,
   * `'removed'`, or undefined when nothing visible changed.
   */
  async write(
    name: string,
    prefetched: Item | undefined,
    decide: (current: Item | undefined) => CatalogWriteDecision,
  ): Promise<CatalogItem | 'removed' | undefined> {
    let current = prefetched;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      if (round > 1) {
        current = await this.#table.get(keys.catalogCurrent(name));
      }
      const decision = decide(current);
      if (decision.kind === 'skip') {
        return undefined;
      }
      if (decision.kind === 'move') {
        if (
          await this.#putCurrent(
            CatalogItemCodec.movedItem(current!, decision.source),
            current,
          )
        ) {
          return undefined;
        }
        continue;
      }
      const draft = await this.#draft(name, current, decision);
      const revision = CatalogItemCodec.revisionItem(draft, randomUUID());
      try {
        await this.#table.put(revision, {
          condition: 'attribute_not_exists(SK)',
        });
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw error;
        }
        const claimed = await this.#table.get(
          keys.catalogRevision(name, draft.rev),
        );
        if (claimed) {
          await this.#publish(current, claimed);
        }
        // unless the entry is our own (a retry after a lost answer), decide again
        if (claimed?.wt !== revision.wt) {
          continue;
        }
      }
      await this.#publish(current, revision);
      if (draft.change === 'removed') {
        return 'removed';
      }
      return {
        name,
        definition: draft.definition,
        source: draft.source,
        createdAt: draft.itemCreatedAt,
        updatedAt: draft.syncedAt,
      };
    }
    throw new Error(
      `Catalog item "${name}" kept changing under this write; try the sync again`,
    );
  }

  async #draft(
    name: string,
    current: Item | undefined,
    decision: Extract<CatalogWriteDecision, { kind: 'revision' }>,
  ): Promise<RevisionDraft> {
    const rev = (current?.rev ?? 0) + 1;
    if (decision.change === 'created') {
      const { definition, source } = decision.write;
      return {
        name,
        rev,
        change: 'created',
        syncedAt: decision.syncedAt,
        itemCreatedAt: decision.syncedAt,
        changedFields: [],
        definition,
        source,
      };
    }
    const previousEntry = await this.#table.get(
      keys.catalogRevision(name, current!.rev),
    );
    if (!previousEntry) {
      throw new Error(
        `Catalog item "${name}" points at version entry ${
          current!.rev
        }, which is missing`,
      );
    }
    const previous = CatalogItemCodec.revisionBody(previousEntry);
    const base = {
      name,
      rev,
      syncedAt: decision.syncedAt,
      itemCreatedAt: current!.createdAt as string,
    };
    if (decision.change === 'removed') {
      return {
        ...base,
        change: 'removed',
        changedFields: [],
        definition: previous.definition,
        source: previous.source,
      };
    }
    const { definition, source } = decision.write;
    return {
      ...base,
      change: 'updated',
      changedFields: changedFields(previous.definition, definition),
      definition,
      source,
    };
  }

  /** Points the current item at a version entry and brings the tag rows in line. */
  async #publish(previous: Item | undefined, revision: Item): Promise<void> {
    const next = CatalogItemCodec.currentItem(revision);
    const oldTags: string[] = CatalogItemCodec.isLive(previous)
      ? previous.tags
      : [];
    const newTags: string[] = next.removed ? [] : next.tags;
    await this.#table.batchWrite({
      puts: newTags
        .filter(t => !oldTags.includes(t))
        .map(t => CatalogItemCodec.tagRow(next.name, t)),
    });
    if (await this.#putCurrent(next, previous)) {
      await this.#table.batchWrite({
        deletes: oldTags
          .filter(t => !newTags.includes(t))
          .map(t => keys.catalogTag(next.name, t)),
      });
    }
  }

  /** Replaces the current item if it is still the one read; false if it changed. */
  async #putCurrent(next: Item, previous: Item | undefined): Promise<boolean> {
    try {
      await this.#table.put(
        next,
        previous
          ? {
              condition: '#rev = :rev',
              names: { '#rev': 'rev' },
              values: { ':rev': previous.rev },
            }
          : { condition: 'attribute_not_exists(PK)' },
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw error;
    }
  }
}
