import {
  isConditionalCheckFailed,
  Item,
  TableClient,
} from '../client/TableClient';
import { eventBucketOf, keys, pad } from '../schema/keys';
import { EventItemCodec } from './EventItemCodec';

const PAGE_SIZE = 200;

/**
 * Walks the event log in id order and decides about holes. An id is
 * reserved with an atomic counter before its event is written, so for a
 * moment (or for good, if the writer died) an id may be missing while later
 * ones are there. A reader must never step over a missing id that may still
 * come, or that event would be lost to it. So a hole stops the walk while
 * the event after it is younger than the grace period (judged on the
 * `writtenAt` of that later event: the hole's id was reserved before it).
 * Past the grace period the hole is sealed: a conditional put writes a
 * `hole` marker at the id if it is still empty. A writer that comes later
 * finds its id taken and appends its event again under a new id, so an
 * event is never lost and never appears behind a reader's position.
 */
export class EventLogScanner {
  readonly #table: TableClient;
  readonly #graceMs: number;

  static create(options: {
    table: TableClient;
    holeGraceMs: number;
  }): EventLogScanner {
    return new EventLogScanner(options.table, options.holeGraceMs);
  }

  private constructor(table: TableClient, graceMs: number) {
    this.#table = table;
    this.#graceMs = graceMs;
  }

  /**
   * Visits the items (events and sealed holes) after `afterId`, in id order,
   * until `visit` returns false, a hole that may still be filled is met, or
   * the log ends. Returns the last id up to which the log is known complete.
   */
  async scan(afterId: number, visit: (item: Item) => boolean): Promise<number> {
    const last = await this.reservedThrough();
    let expected = afterId + 1;
    while (expected <= last) {
      const items = await this.#pageFrom(expected, last);
      if (items.length === 0) {
        return expected - 1;
      }
      for (const item of items) {
        if (item.id > expected) {
          if (Date.now() - Number(item.writtenAt) < this.#graceMs) {
            return expected - 1;
          }
          // sealed, or filled meanwhile: read again from the hole either way
          await this.#seal(expected, item.id - 1);
          break;
        }
        expected = item.id + 1;
        if (!visit(item)) {
          return item.id;
        }
      }
    }
    return expected - 1;
  }

  /** The highest id reserved so far (0 when none). */
  async reservedThrough(): Promise<number> {
    const counter = await this.#table.get(keys.eventCounter());
    return Number(counter?.seq ?? 0);
  }

  /** Items from `from` on, from the first bucket that has any up to `last`'s bucket. */
  async #pageFrom(from: number, last: number): Promise<Item[]> {
    for (
      let bucket = eventBucketOf(from);
      bucket <= eventBucketOf(last);
      bucket++
    ) {
      const { items } = await this.#table.query({
        KeyConditionExpression: 'PK = :pk AND SK >= :from',
        ExpressionAttributeValues: {
          ':pk': keys.eventBucket(bucket),
          ':from': pad(Math.max(from, 0)),
        },
        Limit: PAGE_SIZE,
      });
      if (items.length > 0) {
        return items;
      }
    }
    return [];
  }

  /** Seals the ids `from`..`to` that are still empty. */
  async #seal(from: number, to: number): Promise<void> {
    for (let id = from; id <= to; id++) {
      try {
        await this.#table.put(EventItemCodec.hole(id), {
          condition: 'attribute_not_exists(PK)',
        });
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw error;
        }
      }
    }
  }
}
