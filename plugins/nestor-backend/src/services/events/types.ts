import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';

/**
 * Appends events to the store's log (which gives them their ids) and
 * publishes them to every replica's SSE hub. Services depend on this
 * interface, not on the bus implementation.
 * @public
 */
export interface NestorEventPublisher {
  publish(events: NewNestorEvent[]): Promise<NestorEvent[]>;
}
