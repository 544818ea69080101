import { InputError } from '@backstage/errors';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventReadQuery, EventStore } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { chunk } from './chunk';
import { fromDelimitedList, toDelimitedList } from './delimitedList';
import { likePattern } from './likePattern';

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
 * batch get consecutive ids. The price is that appends do not run in
 * parallel, which is fine at the rate state changes happen.
 */
export class DatabaseEventStore implements EventStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async append(events: NewNestorEvent[]): Promise<NestorEvent[]> {
    if (events.length === 0) {
      return [];
    }
    const now = new Date().toISOString();
    return this.#db.transaction(async tx => {
      await tx('counters')
        .where({ name: SEQUENCE })
        .increment('value', events.length);
      const { value } = await tx('counters')
        .select('value')
        .where({ name: SEQUENCE })
        .first();
      const firstId = Number(value) - events.length + 1;
      const appended: NestorEvent[] = events.map((event, i) => ({
        ...event,
        id: firstId + i,
        time: event.time ?? now,
      }));
      for (const slice of chunk(appended, 200)) {
        await tx('events').insert(slice.map(toRow));
      }
      return appended;
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

function toRow(event: NestorEvent): EventRow {
  return {
    id: event.id,
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
