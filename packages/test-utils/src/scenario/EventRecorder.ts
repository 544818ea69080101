import {
  EventFilters,
  NestorClient,
  NestorEvent,
  NestorSubscription,
} from '@nestor/plugin-nestor-common';
import { waitFor } from './waitFor';

/**
 * Records what an SSE subscriber of `GET /events` sees, through the real
 * {@link NestorClient} subscription (reconnection, `Last-Event-ID`).
 * @public
 */
export class EventRecorder {
  readonly events: NestorEvent[] = [];
  readonly #subscription: NestorSubscription;

  /** Subscribes and resolves once the stream is open (events from then on are recorded). */
  static async start(
    client: NestorClient,
    filters: EventFilters = {},
  ): Promise<EventRecorder> {
    let opened!: () => void;
    const open = new Promise<void>(resolve => (opened = resolve));
    const recorder = new EventRecorder(client, filters, () => opened());
    await open;
    return recorder;
  }

  private constructor(
    client: NestorClient,
    filters: EventFilters,
    onOpen: () => void,
  ) {
    this.#subscription = client.subscribe(
      filters,
      event => this.events.push(event),
      { onOpen },
    );
  }

  /** Waits for an event of this type (about this deployment ref, when given) and returns it. */
  async waitFor(
    type: NestorEvent['type'],
    ref?: string,
    timeoutMs?: number,
  ): Promise<NestorEvent> {
    return waitFor(
      `event ${type}${ref ? ` about ${ref}` : ''}`,
      async () =>
        this.events.find(
          e => e.type === type && (ref === undefined || e.ref === ref),
        ),
      { timeoutMs },
    );
  }

  /**
   * The events about one deployment ref as short strings, in the order they
   * came: `deployment.created`, `phase Validating`, `gitops.committed deploy`,
   * `deployment.completed`, ...
   */
  timeline(ref: string): string[] {
    return this.events
      .filter(e => e.ref === ref)
      .map(e => {
        const payload = (e.payload ?? {}) as { to?: string; action?: string };
        if (e.type === 'deployment.phase') return `phase ${payload.to}`;
        if (e.type === 'gitops.committed')
          return `gitops.committed ${payload.action}`;
        return e.type;
      });
  }

  /** True when the ids are strictly increasing, as the log assigns them. */
  inIdOrder(): boolean {
    return this.events.every((e, i) => i === 0 || e.id > this.events[i - 1].id);
  }

  close(): void {
    this.#subscription.close();
  }
}
