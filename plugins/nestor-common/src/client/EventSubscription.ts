import { ResponseError } from '@backstage/errors';
import { NestorEvent } from '../models/NestorEvent';
import { EventStreamMessage, EventStreamParser } from './EventStreamParser';
import type { EventStreamReset, NestorSubscription, SubscribeOptions } from './NestorClient';

const FATAL_STATUSES = new Set([400, 401, 403, 404, 405, 406]);

/**
 * The reconnecting loop behind `NestorClient.subscribe`: one fetch of the
 * event stream at a time, parsed incrementally, resumed after the last
 * delivered id with exponential backoff (the server's `retry:` hint as the
 * base, `Retry-After` on a 429 or 503), and never delivering an id twice.
 * @internal
 */
export class EventSubscription implements NestorSubscription {
  readonly #connect: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  readonly #onEvent: (event: NestorEvent) => void;
  readonly #options: SubscribeOptions;
  readonly #controller = new AbortController();
  #lastEventId: string | undefined;
  #closed = false;
  #serverRetry: number | undefined;
  #failures = 0;

  static start(options: {
    connect: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
    onEvent: (event: NestorEvent) => void;
    options: SubscribeOptions;
  }): EventSubscription {
    const subscription = new EventSubscription(options);
    void subscription.#run();
    return subscription;
  }

  private constructor(options: {
    connect: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
    onEvent: (event: NestorEvent) => void;
    options: SubscribeOptions;
  }) {
    this.#connect = options.connect;
    this.#onEvent = options.onEvent;
    this.#options = options.options;
    this.#lastEventId = options.options.lastEventId;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.#controller.abort();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      let retryAfterMs: number | undefined;
      try {
        retryAfterMs = await this.#connectOnce();
      } catch (error) {
        if (this.#closed) return;
        this.#report(error);
        const status = (error as ResponseError).response?.status;
        if (status !== undefined && FATAL_STATUSES.has(status)) {
          this.#closed = true;
          return;
        }
        retryAfterMs = retryAfterOf(error);
      }
      if (this.#closed) return;
      await this.#sleep(retryAfterMs ?? this.#backoff());
    }
  }

  /** One connection, until the stream ends or fails. */
  async #connectOnce(): Promise<undefined> {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    this.#controller.signal.addEventListener('abort', abortAttempt);
    const idleMs = this.#options.idleTimeoutMs ?? 60000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      if (idleMs <= 0) return;
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => attempt.abort(new Error(`no data on the event stream for ${idleMs} ms`)), idleMs);
    };
    try {
      armIdle();
      const response = await this.#connect(this.#lastEventId, attempt.signal);
      if (!response.ok) {
        throw await ResponseError.fromResponse(response as any);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.startsWith('text/event-stream')) {
        throw new Error(`expected text/event-stream, got "${contentType}"`);
      }
      if (!response.body) throw new Error('the event stream has no body');
      this.#failures = 0;
      this.#options.onOpen?.();
      const parser = new EventStreamParser(message => this.#message(message), {
        onRetry: ms => {
          this.#serverRetry = ms;
        },
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          armIdle();
          parser.feed(decoder.decode(value, { stream: true }));
          if (this.#closed) break;
        }
      } finally {
        reader.cancel().catch(() => {});
      }
      // the server ended the stream (a restart, a drain): reconnect at the base delay
      return undefined;
    } catch (error) {
      if (attempt.signal.aborted && !this.#closed && attempt.signal.reason instanceof Error) {
        throw attempt.signal.reason;
      }
      throw error;
    } finally {
      if (idleTimer) clearTimeout(idleTimer);
      this.#controller.signal.removeEventListener('abort', abortAttempt);
    }
  }

  #message(message: EventStreamMessage): void {
    if (this.#closed) return;
    if (message.event === 'reset') {
      let info: EventStreamReset = {};
      try {
        info = JSON.parse(message.data);
      } catch {
        // a reset without details still means "resynchronise"
      }
      if (message.id !== undefined) this.#lastEventId = message.id;
      else if (info.latestId !== undefined) this.#lastEventId = String(info.latestId);
      this.#safely(() => this.#options.onReset?.(info));
      return;
    }
    let event: NestorEvent;
    try {
      event = JSON.parse(message.data);
    } catch (error) {
      this.#report(new Error(`event ${message.id ?? '?'} has data that is not JSON: ${String(error)}`));
      return;
    }
    const last = this.#lastEventId === undefined ? undefined : Number(this.#lastEventId);
    if (typeof event.id === 'number' && last !== undefined && Number.isFinite(last) && event.id <= last) {
      // already delivered before a reconnection: never deliver twice
      return;
    }
    if (message.id !== undefined) this.#lastEventId = message.id;
    this.#safely(() => this.#onEvent(event));
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    try {
      this.#options.onError?.(e);
    } catch {
      // an error handler that throws must not end the subscription
    }
  }

  #backoff(): number {
    const base = this.#serverRetry ?? this.#options.retryMs ?? 1000;
    const max = this.#options.maxRetryMs ?? 30000;
    const delay = Math.min(base * 2 ** this.#failures, Math.max(max, base));
    this.#failures += 1;
    return delay * (0.8 + Math.random() * 0.4);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const signal = this.#controller.signal;
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}

/** `Retry-After` (seconds) of a 429 or 503 answer, in ms. */
function retryAfterOf(error: unknown): number | undefined {
  const response = (error as ResponseError).response;
  if (!response || (response.status !== 429 && response.status !== 503)) return undefined;
  const header = (response as { headers?: { get?(name: string): string | null } }).headers?.get?.('retry-after');
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
