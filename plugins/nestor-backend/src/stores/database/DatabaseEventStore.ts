import { InputError } from '@backstage/errors';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventReadQuery, EventStore } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { chunk } from './chunk';
import { fromDelimitedList, toDelimitedList } from './delimitedList';
import { likePattern } from './likePattern';
import { WriteCombiner } from './WriteCombiner';

interface EventRow {
  id: number | string;
  type: string;
  team: string | null;
  ref: string | null;
  visible_to: string | null;
  time: string;
  time_ms: number | string;
  payload: string;
}

const SEQUENCE = 'events';
/** events written in one combined append at most (a caller's larger batch goes alone) */
const APPEND_GROUP_MAX_EVENTS = 500;

/**
 * The event log on the database.
 *
 * Ids come from a counter row (`counters`, row `events`) that `append` increments in
 * the same transaction as it inserts the events. An auto-increment column
 * would not do: on PostgreSQL a sequence hands out ids at insert time, so a
 * writer that got id 8 can commit before the one that got id 7, and a reader
 * resuming "after 8" would never see 7 (and a rolled-back insert leaves a
 * gap). With the counter, the UPDATE takes the row's lock and holds it until
 * commit, so concurrent appends take turns: ids are handed out in commit
 * order, with no gaps, and an event becomes visible only after every event
 * with a smaller id. On SQLite, writes are serialized anyway. Appends of one
 * batch get consecutive ids.
 *
 * The price is that appends do not run in parallel, and the counter row's
 * lock is held until the commit is on disk. So the lock is held as briefly as
 * can be: on PostgreSQL an append is one statement (the counter's
 * `UPDATE ... RETURNING` feeding the `INSERT`, committed on its own), with no
 * round trip while the lock is held but the commit's. And appends of one
 * replica that arrive while one is being written are written together in the
 * next one ({@link WriteCombiner}): one lock turn and one commit for all of
 * them, each caller's batch still contiguous; when such a combined write
 * fails, each batch is written again alone, so one bad batch fails only its
 * own caller.
 */
export class DatabaseEventStore implements EventStore {
  readonly #db: Knex;
  readonly #appends: WriteCombiner<EventFields, number>;

  constructor(db: Knex) {
    this.#db = db;
    const postgres = db.client.dialect === 'postgresql';
    this.#appends = new WriteCombiner(
      rows =>
        postgres ? this.#insertPostgres(rows) : this.#insertInTransaction(rows),
      { maxItems: APPEND_GROUP_MAX_EVENTS },
    );
  }

  async append(events: NewNestorEvent[]): Promise<NestorEvent[]> {
    if (events.length === 0) {
      return [];
    }
    const now = new Date().toISOString();
    const timed = events.map(event => ({ ...event, time: event.time ?? now }));
    // a bad time is this caller's error, found before its batch joins others
    const rows = timed.map(toFields);
    const ids = await this.#appends.add(rows);
    return timed.map((event, i) => ({ ...event, id: ids[i] }));
  }

  /** One statement: the counter's row lock is held for no round trip but the commit's. */
  async #insertPostgres(rows: EventFields[]): Promise<number[]> {
    const result = await this.#db.raw(
      `WITH counter AS (
         UPDATE counters SET value = value + ? WHERE name = ? RETURNING value
       )
       INSERT INTO events (id, type, team, ref, visible_to, time, time_ms, payload)
       SELECT counter.value - ? + e.i, e.type, e.team, e.ref, e.visible_to, e.time, e.time_ms, e.payload
       FROM counter, json_to_recordset(CAST(? AS json))
         AS e(i bigint, type text, team text, ref text, visible_to text, time text, time_ms bigint, payload text)
       RETURNING id`,
      [
        rows.length,
        SEQUENCE,
        rows.length,
        JSON.stringify(rows.map((row, i) => ({ ...row, i: i + 1 }))),
      ],
    );
    const ids: number[] = result.rows.map((r: { id: number | string }) =>
      Number(r.id),
    );
    if (ids.length !== rows.length) {
      throw new Error(
        `appended ${ids.length} of ${rows.length} events: is the counter row "${SEQUENCE}" missing?`,
      );
    }
    const firstId = Math.min(...ids);
    return rows.map((_, i) => firstId + i);
  }

  async #insertInTransaction(rows: EventFields[]): Promise<number[]> {
    return this.#db.transaction(async tx => {
      await tx('counters')
        .where({ name: SEQUENCE })
        .increment('value', rows.length);
      const { value } = await tx('counters')
        .select('value')
        .where({ name: SEQUENCE })
        .first();
      const firstId = Number(value) - rows.length + 1;
      const withIds = rows.map((row, i) => ({ ...row, id: firstId + i }));
      for (const slice of chunk(withIds, 200)) {
        await tx('events').insert(slice);
      }
      return withIds.map(row => row.id);
    });
  }

  async readAfter(query: EventReadQuery): Promise<NestorEvent[]> {
    const rows: EventRow[] = await this.#db('events')
      .where('id', '>', query.afterId)
      .modify(qb => {
        if (query.types !== undefined) {
          qb.whereIn('type', query.types);
        }
        const teams = query.teams;
        if (teams !== undefined) {
          qb.where(visible => {
            visible.where(global =>
              global.whereNull('team').whereNull('visible_to'),
            );
            if (teams.length > 0) {
              visible.orWhereIn('team', teams);
              for (const team of teams) {
                visible.orWhereRaw("visible_to LIKE ? ESCAPE '\\'", [
                  likePattern(team, { prefix: ',', suffix: ',' }),
                ]);
              }
            }
          });
        }
      })
      .orderBy('id', 'asc')
      .limit(query.limit);
    return rows.map(fromRow);
  }

  async latestId(): Promise<number> {
    const row = await this.#db('counters')
      .select('value')
      .where({ name: SEQUENCE })
      .first();
    return Number(row?.value ?? 0);
  }

  async oldestId(): Promise<number | undefined> {
    const row = await this.#db('events').min({ id: 'id' }).first();
    return row?.id === null || row?.id === undefined
      ? undefined
      : Number(row.id);
  }

  async pruneBefore(time: string): Promise<number> {
    return this.#db('events').where('time_ms', '<', parseTime(time)).delete();
  }
}

function parseTime(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) {
    throw new InputError(
      `Invalid event time "${time}", expected an ISO 8601 timestamp`,
    );
  }
  return ms;
}

/** The columns of an event but its id (handed out when it is written). */
type EventFields = Omit<EventRow, 'id'>;

function toFields(event: NewNestorEvent & { time: string }): EventFields {
  return {
    type: event.type,
    team: event.team ?? null,
    ref: event.ref ?? null,
    visible_to:
      event.visibleTo === undefined ? null : toDelimitedList(event.visibleTo),
    time: event.time,
    time_ms: parseTime(event.time),
    payload: JSON.stringify(event.payload ?? null),
  };
}

function fromRow(row: EventRow): NestorEvent {
  return {
    id: Number(row.id),
    type: row.type as NestorEvent['type'],
    team: row.team,
    ref: row.ref,
    time: row.time,
    ...(row.visible_to === null
      ? {}
      : { visibleTo: fromDelimitedList(row.visible_to) }),
    payload: JSON.parse(row.payload),
  };
}
