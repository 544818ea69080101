import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventStore } from '@nestor/plugin-nestor-node';
import { randomUUID } from 'node:crypto';
import { SseHub } from './SseHub';
import { NestorEventPublisher } from './types';

/** The Backstage events topic Nestor publishes on. @public */
export const NESTOR_EVENTS_TOPIC = 'nestor';

/** Where the bus hands events, in id order with no gaps: the replica's {@link SseHub}. @public */
export type EventBusSink = Pick<SseHub, 'start' | 'broadcast'>;

/** Tuning of {@link EventBus}. @public */
export interface EventBusOptions {
  /** How often the log is read for events the bus did not bring (it is at most once). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Events read from the log at a time when filling a gap. Default 1000. */
  pageSize?: number;
  /**
   * How long an id may stay missing while later ones are known before the hub
   * moves past it. Ids are gap-free in a correct store, so this only matters
   * for a store that breaks that promise. Default 30 s.
   */
  gapTimeoutMs?: number;
}

/** What {@link EventBus.create} needs. @public */
export interface EventBusDeps {
  store: EventStore;
  events: EventsService;
  hub: EventBusSink;
  logger: LoggerService;
  /** This replica's id on the bus; random by default. */
  instanceId?: string;
  options?: EventBusOptions;
}

/**
 * Nestor's event bus. `publish` appends to the store's log (which gives ids)
 * and publishes the appended events on Backstage's `EventsService`, topic
 * `nestor`; the events backend carries them to every other replica when the
 * database is PostgreSQL. Each replica subscribes once, with its own id, and
 * feeds its {@link SseHub} strictly in id order: an event that arrives ahead
 * of a missing id waits while the missing ones are read from the log, and the
 * log is also read on an interval, so an event the bus lost (it is at most
 * once) still reaches every subscriber, only later.
 * @public
 */
export class EventBus implements NestorEventPublisher {
  readonly #store: EventStore;
  readonly #events: EventsService;
  readonly #hub: EventBusSink;
  readonly #logger: LoggerService;
  readonly #instanceId: string;
  readonly #pageSize: number;
  readonly #gapTimeoutMs: number;
  readonly #pending = new Map<number, NestorEvent>();
  readonly #listeners: Array<{ listener: (events: NestorEvent[]) => void; othersOnly: boolean }> = [];
  /** ids this replica appended that the feed has not handed on yet */
  readonly #ownIds = new Set<number>();
  #cursor = 0;
  #gapSince: number | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  /** Starts the feed at the log's newest id, subscribes to the bus and starts polling. */
  static async create(options: EventBusDeps): Promise<EventBus> {
    const bus = new EventBus(options);
    await bus.#start(options.options?.pollIntervalMs ?? 1000);
    return bus;
  }

  private constructor(options: EventBusDeps) {
    this.#store = options.store;
    this.#events = options.events;
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.#instanceId = options.instanceId ?? randomUUID();
    this.#pageSize = options.options?.pageSize ?? 1000;
    this.#gapTimeoutMs = options.options?.gapTimeoutMs ?? 30_000;
  }

  /** The subscriber id this replica uses on Backstage's bus. */
  get subscriberId(): string {
    return `nestor-sse-${this.#instanceId}`;
  }

  async publish(events: NewNestorEvent[]): Promise<NestorEvent[]> {
    const appended = await this.#store.append(events);
    if (appended.length === 0) return appended;
    for (const e of appended) if (e.id > this.#cursor) this.#ownIds.add(e.id);
    this.#receive(appended);
    try {
      await this.#events.publish({ topic: NESTOR_EVENTS_TOPIC, eventPayload: { events: appended } });
    } catch (error) {
      // the log has them: other replicas pick them up on their next poll
      this.#logger.warn(`Could not publish ${appended.length} event(s) on the events bus: ${error}`);
    }
    return appended;
  }

  /**
   * Adds an in-process consumer of the replica's ordered stream: it sees every
   * event the hub broadcasts (this replica's and the others'), in id order,
   * once. With `othersOnly` it sees only the events other replicas published
   * (for state this replica already updated itself when it published). A
   * listener that throws is logged and skipped; it does not stop the feed.
   */
  addListener(listener: (events: NestorEvent[]) => void, options: { othersOnly?: boolean } = {}): void {
    this.#listeners.push({ listener, othersOnly: options.othersOnly ?? false });
  }

  /** Stops polling; events published after this reach no local subscriber. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#reading;
  }

  async #start(pollIntervalMs: number): Promise<void> {
    this.#cursor = await this.#store.latestId();
    this.#hub.start(this.#cursor);
    await this.#events.subscribe({
      id: this.subscriberId,
      topics: [NESTOR_EVENTS_TOPIC],
      onEvent: async params => {
        const payload = params.eventPayload as { events?: NestorEvent[] } | undefined;
        if (Array.isArray(payload?.events)) this.#receive(payload.events);
      },
    });
    this.#timer = setInterval(() => this.#readLog(), pollIntervalMs);
    this.#timer.unref?.();
  }

  /** Takes events from any source (own publish, the bus, the log), in any order, with repeats. */
  #receive(events: NestorEvent[]): void {
    if (this.#stopped) return;
    for (const e of events) {
      if (e.id > this.#cursor) this.#pending.set(e.id, e);
    }
    this.#advance();
    if (this.#pending.size > 0) this.#readLog();
  }

  /** Hands the hub every pending event that directly follows the cursor. */
  #advance(): void {
    const ready: NestorEvent[] = [];
    for (let next = this.#pending.get(this.#cursor + 1); next; next = this.#pending.get(this.#cursor + 1)) {
      this.#pending.delete(next.id);
      this.#cursor = next.id;
      ready.push(next);
    }
    if (ready.length > 0) {
      this.#hub.broadcast(ready);
      const others = ready.filter(e => !this.#ownIds.delete(e.id));
      for (const { listener, othersOnly } of this.#listeners) {
        const events = othersOnly ? others : ready;
        if (events.length === 0) continue;
        try {
          listener(events);
        } catch (error) {
          this.#logger.warn(`An event listener failed: ${error}`);
        }
      }
    }
    if (this.#pending.size === 0) {
      this.#gapSince = undefined;
    } else {
      this.#gapSince ??= Date.now();
      if (Date.now() - this.#gapSince > this.#gapTimeoutMs) this.#skipGap();
    }
  }

  #skipGap(): void {
    const first = Math.min(...this.#pending.keys());
    this.#logger.warn(
      `Event ids ${this.#cursor + 1}..${first - 1} stayed missing for ${this.#gapTimeoutMs} ms; moving on without them`,
    );
    this.#cursor = first - 1;
    this.#gapSince = undefined;
    this.#advance();
  }

  /** Reads the log after the cursor, one read at a time (a request during a read runs one more). */
  #readLog(): void {
    if (this.#stopped) return;
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        try {
          for (;;) {
            const from = this.#cursor;
            const page = await this.#store.readAfter({ afterId: from, limit: this.#pageSize });
            for (const e of page) {
              if (e.id > this.#cursor) this.#pending.set(e.id, e);
            }
            this.#advance();
            // a short page is the end of the log; no progress means a gap the next poll retries
            if (page.length < this.#pageSize || this.#cursor === from || this.#stopped) break;
          }
        } catch (error) {
          this.#logger.warn(`Reading the event log failed: ${error}`);
        }
      } while (this.#readAgain && !this.#stopped);
    })().finally(() => {
      this.#reading = undefined;
    });
  }
}
