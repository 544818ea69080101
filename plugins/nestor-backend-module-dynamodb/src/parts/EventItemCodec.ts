import { NestorEvent } from '@nestor/plugin-nestor-common';
import type { Item } from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys, pad } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';

/** The GSI2 partition an event is indexed under (see the README). */
function teamPartition(event: Pick<NestorEvent, 'team' | 'visibleTo'>): string {
  if (event.visibleTo !== undefined) {
    return keys.eventsShared();
  }
  return event.team === null
    ? keys.eventsGlobal()
    : keys.eventsByTeam(event.team);
}

/**
 * How events map to items. The log is split in partitions of 10,000 ids
 * (`EVENTS#<bucket>` / zero-padded id). Beside the (compressed) event:
 * `id`, `type`, `team`, `visibleTo` for filters, `timeMs` (the event's time)
 * for pruning, `writtenAt` (the writer's clock when it reserved the id) for
 * judging holes, and the writer's token `wt`. GSI2 indexes each event by
 * team: `EVENTS#TEAM#<team>`, `EVENTS#GLOBAL` (team null) or
 * `EVENTS#SHARED` (events with `visibleTo`, filtered on read).
 * A sealed hole is an item `{hole: true}` at a reserved id whose writer
 * never came; it is in no index.
 */
export const EventItemCodec = {
  item(event: NestorEvent, writtenAt: number, writeToken: string): Item {
    const item = {
      ...keys.event(event.id),
      id: event.id,
      type: event.type,
      team: event.team,
      visibleTo: event.visibleTo,
      timeMs: Date.parse(event.time),
      writtenAt,
      wt: writeToken,
      [INDEXES.GSI2.pk]: teamPartition(event),
      [INDEXES.GSI2.sk]: pad(event.id),
      ...ItemBody.encode(event),
    };
    ItemBody.assertFits(
      item,
      `Event ${event.type} for ${event.ref ?? 'nothing'}`,
    );
    return item;
  },

  hole(id: number): Item {
    return { ...keys.event(id), id, hole: true, sealedAt: Date.now() };
  },

  decode(item: Item): NestorEvent {
    return ItemBody.decode<NestorEvent>(item);
  },

  /** Whether one of `teams` may see the event (undefined: no filter). */
  visibleTo(item: Item, teams: string[] | undefined): boolean {
    if (teams === undefined) {
      return true;
    }
    const visibleTo: string[] | undefined = item.visibleTo;
    if (visibleTo) {
      return (
        teams.includes(item.team) || visibleTo.some(t => teams.includes(t))
      );
    }
    return (
      item.team === null || item.team === undefined || teams.includes(item.team)
    );
  },
};
