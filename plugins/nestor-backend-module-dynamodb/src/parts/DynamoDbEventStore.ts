import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventReadQuery, EventStore } from '@nestor/plugin-nestor-node';
import { mapConcurrently } from '../client/mapConcurrently';
import { IndexPartition, queryMerged } from '../client/queryMerged';
import {
  isConditionalCheckFailed,
  Item,
  TableClient,
} from '../client/TableClient';
import { eventBucketOf, keys, pad } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';
import { EventItemCodec } from './EventItemCodec';
import { EventLogScanner } from './EventLogScanner';

const WRITE_CONCURRENCY = 16;
const PRUNE_ROUND = 1000;

/** Where the log starts and how far it is known complete. */
interface LogMarks {
  /** every id up to this one is pruned */
  prunedThrough: number;
  /** every id up to this one is written or sealed */
  sealedThrough: number;
}

/**
 * The event log on DynamoDB. `append` reserves a contiguous block of ids
 * with one atomic `ADD` on a counter item, then writes each event under a
 * put conditional on its id being empty. Readers walk the log with the
 * {@link EventLogScanner}, which never steps over a hole that may still be
 * filled; the highest id known complete (`sealedThrough`) is kept on the
 * `META` / `EVENT_LOG` item, and below it team-filtered reads use the
 * events-by-team index instead of the whole log.
 */
export class DynamoDbEventStore implements EventStore {
  readonly #table: TableClient;
  readonly #scanner: EventLogScanner;
  readonly #logger?: LoggerService;

  static create(options: {
    table: TableClient;
    holeGraceMs: number;
    logger?: LoggerService;
  }): DynamoDbEventStore {
    return new DynamoDbEventStore(
      options.table,
      options.holeGraceMs,
      options.logger,
    );
  }

  private constructor(
    table: TableClient,
    holeGraceMs: number,
    logger?: LoggerService,
  ) {
    this.#table = table;
    this.#scanner = EventLogScanner.create({ table, holeGraceMs });
    this.#logger = logger;
  }

  async append(events: NewNestorEvent[]): Promise<NestorEvent[]> {
    if (events.length === 0) {
      return [];
    }
    const now = new Date().toISOString();
    const drafts = events.map(e => ({ ...e, time: e.time ?? now }));
    // refuse oversized events before any id is reserved
    drafts.forEach(d =>
      EventItemCodec.item({ ...d, id: Number.MAX_SAFE_INTEGER }, 0, ''),
    );

    const counter = await this.#table.update({
      Key: keys.eventCounter(),
      UpdateExpression: 'ADD #seq :n',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':n': drafts.length },
      ReturnValues: 'UPDATED_NEW',
    });
    const first = Number(counter!.seq) - drafts.length + 1;
    const writtenAt = Date.now();
    const writeToken = randomUUID();
    const appended = drafts.map(
      (d, i) => ({ ...d, id: first + i } as NestorEvent),
    );
    let landed: boolean[];
    try {
      landed = await mapConcurrently(appended, WRITE_CONCURRENCY, event =>
        this.#write(event, writtenAt, writeToken),
      );
    } catch (error) {
      // do not make readers wait out the grace period for ids that will never come
      await Promise.allSettled(
        appended.map(e =>
          this.#table.put(EventItemCodec.hole(e.id), {
            condition: 'attribute_not_exists(PK)',
          }),
        ),
      );
      throw error;
    }
    const late = appended.filter((_, i) => !landed[i]);
    if (late.length === 0) {
      return appended;
    }
    this.#logger?.warn(
      `${late.length} event(s) were written after their ids had been sealed as holes (writer slower than the grace period); appending them again`,
    );
    const again = await this.append(late.map(({ id: _id, ...rest }) => rest));
    const moved = new Map(late.map((e, i) => [e.id, again[i]]));
    return appended.map(e => moved.get(e.id) ?? e);
  }

  async readAfter(query: EventReadQuery): Promise<NestorEvent[]> {
    const { limit, teams, types } = query;
    if (limit <= 0 || types?.length === 0) {
      return [];
    }
    const marks = await this.#marks();
    let from = Math.max(query.afterId, marks.prunedThrough);
    const found: NestorEvent[] = [];
    if (teams !== undefined && from < marks.sealedThrough) {
      const items = await queryMerged(this.#table, {
        partitions: this.#teamPartitions(teams),
        between: { from: pad(from + 1), to: pad(marks.sealedThrough) },
        filter: types ? this.#typeFilter(types) : undefined,
        limit,
      });
      found.push(...items.map(EventItemCodec.decode));
      if (found.length >= limit) {
        return found;
      }
      from = marks.sealedThrough;
    }
    const wanted = (item: Item) =>
      !item.hole &&
      (!types || types.includes(item.type)) &&
      EventItemCodec.visibleTo(item, teams);
    const complete = await this.#scanner.scan(from, item => {
      if (wanted(item)) {
        found.push(EventItemCodec.decode(item));
      }
      return found.length < limit;
    });
    await this.#advance('sealedThrough', complete, marks.sealedThrough);
    return found;
  }

  async latestId(): Promise<number> {
    const marks = await this.#marks();
    const complete = await this.#scanner.scan(
      Math.max(marks.prunedThrough, marks.sealedThrough),
      () => true,
    );
    await this.#advance('sealedThrough', complete, marks.sealedThrough);
    return Math.max(complete, marks.prunedThrough);
  }

  async oldestId(): Promise<number | undefined> {
    const { prunedThrough } = await this.#marks();
    const last = await this.#scanner.reservedThrough();
    for (
      let bucket = eventBucketOf(prunedThrough + 1);
      bucket <= eventBucketOf(last);
      bucket++
    ) {
      for await (const page of this.#table.queryPages({
        KeyConditionExpression: 'PK = :pk AND SK > :after',
        FilterExpression: 'attribute_not_exists(hole)',
        ExpressionAttributeValues: {
          ':pk': keys.eventBucket(bucket),
          ':after': pad(prunedThrough),
        },
        Limit: 100,
      })) {
        if (page.length > 0) {
          return Number(page[0].id);
        }
      }
    }
    return undefined;
  }

  /**
   * Deletes the oldest events while their time is before `time`. The log is
   * pruned from its start only: the first event at or after `time` ends the
   * pass, so an event appended with an older explicit time behind a newer one
   * stays until the newer one goes.
   */
  async pruneBefore(time: string): Promise<number> {
    const cutoff = Date.parse(time);
    if (Number.isNaN(cutoff)) {
      throw new InputError(
        `Invalid time "${time}", expected an ISO 8601 timestamp`,
      );
    }
    let deleted = 0;
    for (;;) {
      const marks = await this.#marks();
      const batch: Item[] = [];
      await this.#scanner.scan(marks.prunedThrough, item => {
        if (!item.hole && Number(item.timeMs) >= cutoff) {
          return false;
        }
        batch.push(item);
        return batch.length < PRUNE_ROUND;
      });
      if (batch.length === 0) {
        return deleted;
      }
      // move the start of the log first, so that readers never take the deleted ids for holes
      await this.#advance(
        'prunedThrough',
        Number(batch[batch.length - 1].id),
        marks.prunedThrough,
      );
      await this.#table.batchWrite({
        deletes: batch.map(item => keys.event(Number(item.id))),
      });
      deleted += batch.filter(item => !item.hole).length;
      if (batch.length < PRUNE_ROUND) {
        return deleted;
      }
    }
  }

  /** Writes one event at its reserved id; false when the id was sealed as a hole first. */
  async #write(
    event: NestorEvent,
    writtenAt: number,
    writeToken: string,
  ): Promise<boolean> {
    try {
      await this.#table.put(EventItemCodec.item(event, writtenAt, writeToken), {
        condition: 'attribute_not_exists(PK)',
      });
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
    // refused: either our own earlier attempt landed (a retry after a lost answer) or a reader sealed the id
    const stored = await this.#table.get(keys.event(event.id));
    return stored?.wt === writeToken;
  }

  #teamPartitions(teams: string[]): IndexPartition[] {
    const index = INDEXES.GSI2;
    const unique = [...new Set(teams)];
    const partitions: IndexPartition[] = [
      ...unique.map(team => ({ index, pk: keys.eventsByTeam(team) })),
      { index, pk: keys.eventsGlobal() },
    ];
    if (unique.length > 0) {
      const values = Object.fromEntries(unique.map((t, i) => [`:team${i}`, t]));
      const placeholders = Object.keys(values);
      partitions.push({
        index,
        pk: keys.eventsShared(),
        filter: {
          expression: [
            `#team IN (${placeholders.join(', ')})`,
            ...placeholders.map(p => `contains(#visibleTo, ${p})`),
          ].join(' OR '),
          names: { '#team': 'team', '#visibleTo': 'visibleTo' },
          values,
        },
      });
    }
    return partitions;
  }

  #typeFilter(types: string[]) {
    const values = Object.fromEntries(types.map((t, i) => [`:type${i}`, t]));
    return {
      expression: `#type IN (${Object.keys(values).join(', ')})`,
      names: { '#type': 'type' },
      values,
    };
  }

  async #marks(): Promise<LogMarks> {
    const item = await this.#table.get(keys.eventLog());
    return {
      prunedThrough: Number(item?.prunedThrough ?? 0),
      sealedThrough: Number(item?.sealedThrough ?? 0),
    };
  }

  /** Raises a mark (never lowers it; concurrent raises keep the highest). */
  async #advance(
    mark: keyof LogMarks,
    to: number,
    known: number,
  ): Promise<void> {
    if (to <= known) {
      return;
    }
    try {
      await this.#table.update({
        Key: keys.eventLog(),
        UpdateExpression: 'SET #mark = :to',
        ConditionExpression: 'attribute_not_exists(#mark) OR #mark < :to',
        ExpressionAttributeNames: { '#mark': mark },
        ExpressionAttributeValues: { ':to': to },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
  }
}
