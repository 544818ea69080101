import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { NestorEvent } from '@nestor/plugin-nestor-common';
import { EventStore } from '@nestor/plugin-nestor-node';
import { Response } from 'express';
import { EventFilter } from './EventFilter';
import { formatEventFrame, formatResetFrame } from './formatEventFrame';
import { SseChunk } from './SseChunk';
import { SseCloseReason, SseConnection } from './SseConnection';
import { TooManyConnectionsError } from './TooManyConnectionsError';

/** Tuning of {@link SseHub}. @public */
export interface SseHubOptions {
  /** Global limit of open streams on this replica. */
  maxConnections: number;
  /** Limit per team (a stream counts for each team it is opened for). */
  maxConnectionsPerTeam: number;
  /** Interval of heartbeat comments, in ms. */
  heartbeatMs: number;
  /** The `retry:` hint sent on connect, in ms. */
  retryMs: number;
  /** Bytes a connection may leave queued before it is cut as a slow consumer. Default 256 KiB. */
  maxBufferedBytes?: number;
  /** How long a replaying connection may stall on back-pressure before it is cut. Default 30 s. */
  replayStallMs?: number;
  /** Events read from the log per replay page. Default 500. */
  replayPageSize?: number;
  /** How long {@link SseHub.drain} waits for streams to end before dropping them. Default 5 s. */
  drainTimeoutMs?: number;
}

/** What {@link SseHub.create} needs. @public */
export interface SseHubDeps {
  /** The log streams replay from. */
  store: EventStore;
  logger: LoggerService;
  /** Gauges and counters go here when given. */
  metrics?: MetricsService;
  options: SseHubOptions;
}

/** Counters of {@link SseHub}. @public */
export interface SseHubStats {
  connections: number;
  connectionsByTeam: Record<string, number>;
  /** The newest event id fanned out. */
  position: number | undefined;
  eventsSent: number;
  eventsDropped: number;
  slowConsumersCut: number;
  /** Time from the start of the last fan-out until its writes were handed to the kernel, in ms. */
  lastFanoutMs: number;
}

interface FilterClass {
  filter: EventFilter;
  connections: Set<SseConnection>;
}

const HEARTBEAT = SseChunk.of(':\n\n');

/**
 * The replica's SSE hub: owns its open `GET /events` streams, brings a new
 * stream up to date from the event log (`Last-Event-ID`), then fans out each
 * event the bus hands it. Streams are grouped by filter, so each event is
 * checked and serialized once per filter class and the same bytes are written
 * to every stream of the class. Events arrive from {@link EventBus} in id
 * order with no gaps, which is what makes replay-then-live exact: a stream
 * turns live in the same tick as it has read up to the hub's position.
 * @public
 */
export class SseHub {
  readonly #store: EventStore;
  readonly #logger: LoggerService;
  readonly #options: Required<SseHubOptions>;
  readonly #classes = new Map<string, FilterClass>();
  readonly #perBucket = new Map<string, number>();
  #connections = 0;
  #position: number | undefined;
  #draining = false;
  #onEmpty: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #stats = { eventsSent: 0, eventsDropped: 0, slowConsumersCut: 0, lastFanoutMs: 0 };
  readonly #metrics:
    | {
        sent: { add(n: number): void };
        dropped: { add(n: number): void };
        slow: { add(n: number): void };
        fanout: { record(ms: number): void };
      }
    | undefined;

  static create(options: SseHubDeps): SseHub {
    return new SseHub(options);
  }

  private constructor(options: SseHubDeps) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#options = {
      maxBufferedBytes: 256 * 1024,
      replayStallMs: 30_000,
      replayPageSize: 500,
      drainTimeoutMs: 5000,
      ...options.options,
    };
    const metrics = options.metrics;
    if (metrics) {
      this.#metrics = {
        sent: metrics.createCounter('nestor.events.sent', { description: 'Events written to SSE streams' }),
        dropped: metrics.createCounter('nestor.events.dropped', {
          description: 'Events not written because their stream was cut as a slow consumer',
        }),
        slow: metrics.createCounter('nestor.events.slow_consumers', { description: 'SSE streams cut for back-pressure' }),
        fanout: metrics.createHistogram('nestor.events.fanout.duration', {
          description: 'Time to write one broadcast to every live SSE stream of the replica',
          unit: 'ms',
        }),
      };
      metrics
        .createObservableGauge('nestor.events.connections', { description: 'Open SSE streams on this replica' })
        .addCallback(result => result.observe(this.#connections));
    }
  }

  /** Sets where the live feed starts (the log's newest id when the bus starts) and starts heartbeats. */
  start(position: number): void {
    this.#position ??= position;
    this.#heartbeat ??= setInterval(() => this.#beat(), this.#options.heartbeatMs);
    this.#heartbeat.unref?.();
  }

  /** The newest event id fanned out. */
  get position(): number | undefined {
    return this.#position;
  }

  stats(): SseHubStats {
    return {
      connections: this.#connections,
      connectionsByTeam: Object.fromEntries(this.#perBucket),
      position: this.#position,
      ...this.#stats,
    };
  }

  /**
   * Opens a stream on `res`: checks limits (429), sends headers and the
   * `retry:` hint, replays what came after `lastEventId` (or sends
   * `event: reset` when that is no longer in the log), then goes live.
   * Resolves once the stream is open; replay continues in the background.
   */
  async connect(options: { res: Response; filter: EventFilter; lastEventId?: number }): Promise<void> {
    const position = this.#position;
    if (this.#draining || position === undefined) {
      throw new ServiceUnavailableError('The event stream is not available on this replica right now');
    }
    const { res, filter } = options;
    this.#checkLimits(filter.buckets, res);
    const cls = this.#classFor(filter);
    const connection = SseConnection.open({
      res,
      filter: cls.filter,
      retryMs: this.#options.retryMs,
      onClose: (c, reason) => this.#remove(c, reason),
    });
    this.#add(connection, cls);
    if (options.lastEventId === undefined || options.lastEventId >= position) {
      if (options.lastEventId !== undefined && options.lastEventId > position) {
        // an id from the future: this log was reset, or the id was made up
        connection.write(
          SseChunk.of(formatResetFrame({ requestedId: options.lastEventId, latestId: position, reason: 'unknown' })),
          this.#options.maxBufferedBytes,
        );
      }
      connection.live = true;
      return;
    }
    void this.#replay(connection, options.lastEventId).catch(error => {
      this.#logger.warn(`Event replay failed, closing the stream: ${error}`);
      connection.end('slow');
    });
  }

  /**
   * Fans out events that directly follow the hub's position, in order.
   * Called by the bus only.
   */
  broadcast(events: NestorEvent[]): void {
    if (events.length === 0) return;
    const started = performance.now();
    const frames = new Map<number, Buffer>();
    const frameOf = (e: NestorEvent) => {
      let frame = frames.get(e.id);
      if (!frame) {
        frame = formatEventFrame(e);
        frames.set(e.id, frame);
      }
      return frame;
    };
    const maxBuffered = this.#options.maxBufferedBytes;
    for (const cls of this.#classes.values()) {
      const matching = events.filter(e => cls.filter.matches(e));
      if (matching.length === 0) continue;
      const chunk = SseChunk.of(matching.length === 1 ? frameOf(matching[0]) : Buffer.concat(matching.map(frameOf)));
      let sent = 0;
      let dropped = 0;
      for (const c of cls.connections) {
        if (!c.live) continue;
        if (c.write(chunk, maxBuffered)) sent += 1;
        else if (c.closeReason === 'slow') dropped += 1;
      }
      this.#count(sent * matching.length, dropped * matching.length);
    }
    this.#position = events[events.length - 1].id;
    // measured once the writes are handed to the kernel, including any that Node defers to the next tick
    setImmediate(() => {
      this.#stats.lastFanoutMs = performance.now() - started;
      this.#metrics?.fanout.record(this.#stats.lastFanoutMs);
    });
  }

  /**
   * Ends every stream so clients reconnect elsewhere, and refuses new ones
   * (503). Streams that have not closed after `drainTimeoutMs` are dropped.
   */
  async drain(): Promise<void> {
    this.#draining = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const open = [...this.#classes.values()].flatMap(cls => [...cls.connections]);
    if (open.length === 0) return;
    this.#logger.info(`Draining ${open.length} event stream(s)`);
    const allClosed = new Promise<void>(resolve => {
      this.#onEmpty = resolve;
    });
    for (const c of open) c.end('drain');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>(resolve => {
      timer = setTimeout(() => resolve('timeout'), this.#options.drainTimeoutMs);
    });
    if ((await Promise.race([allClosed, timedOut])) === 'timeout') {
      for (const c of open) c.destroy();
    }
    clearTimeout(timer);
  }

  async #replay(connection: SseConnection, requestedId: number): Promise<void> {
    let fromId = requestedId;
    const oldest = await this.#store.oldestId();
    if (oldest === undefined ? fromId < this.#position! : oldest > fromId + 1) {
      // the events right after `fromId` were pruned: the client must resynchronise
      const latest = this.#position!;
      connection.write(
        SseChunk.of(formatResetFrame({ requestedId: fromId, oldestId: oldest, latestId: latest, reason: 'expired' })),
        Number.MAX_SAFE_INTEGER,
      );
      fromId = latest;
    }
    const { replayPageSize, replayStallMs } = this.#options;
    let afterId = fromId;
    for (;;) {
      if (connection.closed) return;
      const target = this.#position!;
      if (afterId >= target) {
        // caught up in this tick: from now on the fan-out writes to it
        connection.live = true;
        return;
      }
      const page = await this.#store.readAfter(connection.filter.toReadQuery(afterId, replayPageSize));
      const frames: Buffer[] = [];
      let sent = 0;
      for (const event of page) {
        if (event.id > target) break;
        if (!connection.filter.matches(event)) continue;
        frames.push(formatEventFrame(event));
        sent += 1;
      }
      const reachedTarget = page.length < replayPageSize || page[page.length - 1].id >= target;
      afterId = reachedTarget ? target : page[page.length - 1].id;
      if (frames.length > 0) {
        if (!connection.write(SseChunk.of(Buffer.concat(frames)), Number.MAX_SAFE_INTEGER)) return;
        this.#count(sent, 0);
        if (!(await connection.drained(replayStallMs))) {
          connection.end('slow');
          return;
        }
      }
    }
  }

  #checkLimits(buckets: readonly string[], res: Response): void {
    const { maxConnections, maxConnectionsPerTeam } = this.#options;
    const refuse = (message: string) => {
      res.setHeader('Retry-After', String(Math.ceil(this.#options.retryMs / 1000)));
      throw new TooManyConnectionsError(message);
    };
    if (this.#connections >= maxConnections) {
      refuse(`This replica has reached its limit of ${maxConnections} event streams`);
    }
    const full = buckets.filter(b => (this.#perBucket.get(b) ?? 0) >= maxConnectionsPerTeam);
    if (full.length > 0) {
      refuse(`The limit of ${maxConnectionsPerTeam} event streams per team is reached for ${full.join(', ')}`);
    }
  }

  #classFor(filter: EventFilter): FilterClass {
    let cls = this.#classes.get(filter.key);
    if (!cls) {
      cls = { filter, connections: new Set() };
      this.#classes.set(filter.key, cls);
    }
    return cls;
  }

  #add(connection: SseConnection, cls: FilterClass): void {
    cls.connections.add(connection);
    this.#connections += 1;
    for (const b of connection.filter.buckets) this.#perBucket.set(b, (this.#perBucket.get(b) ?? 0) + 1);
  }

  #remove(connection: SseConnection, reason: SseCloseReason): void {
    const cls = this.#classes.get(connection.filter.key);
    if (!cls?.connections.delete(connection)) return;
    if (cls.connections.size === 0) this.#classes.delete(connection.filter.key);
    this.#connections -= 1;
    for (const b of connection.filter.buckets) {
      const n = (this.#perBucket.get(b) ?? 1) - 1;
      if (n <= 0) this.#perBucket.delete(b);
      else this.#perBucket.set(b, n);
    }
    if (reason === 'slow') {
      this.#stats.slowConsumersCut += 1;
      this.#metrics?.slow.add(1);
    }
    if (this.#connections === 0) this.#onEmpty?.();
  }

  #count(sent: number, dropped: number): void {
    if (sent > 0) {
      this.#stats.eventsSent += sent;
      this.#metrics?.sent.add(sent);
    }
    if (dropped > 0) {
      this.#stats.eventsDropped += dropped;
      this.#metrics?.dropped.add(dropped);
    }
  }

  #beat(): void {
    const max = this.#options.maxBufferedBytes;
    for (const cls of this.#classes.values()) {
      for (const c of cls.connections) if (c.live) c.write(HEARTBEAT, max);
    }
  }
}
