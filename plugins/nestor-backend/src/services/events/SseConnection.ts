import { Response } from 'express';
import { EventFilter } from './EventFilter';

/** Why a connection ended. @internal */
export type SseCloseReason = 'client' | 'slow' | 'drain';

/**
 * One open `text/event-stream` response. Writes never wait: a write that
 * would leave more than `maxBufferedBytes` queued for the socket cuts the
 * connection instead (a slow consumer), so one stalled reader costs the
 * others nothing; it reconnects with `Last-Event-ID` and catches up from the
 * log. Each write is followed by `res.flush()` so nothing (compression, a
 * proxy honouring `X-Accel-Buffering`) holds an event back.
 * @internal
 */
export class SseConnection {
  readonly filter: EventFilter;
  /** Connection-limit buckets this connection counts against. */
  readonly buckets: readonly string[];
  /** False while it replays from the log; the hub's fan-out skips it until then. */
  live = false;
  #res: Response | undefined;
  #closeReason: SseCloseReason | undefined;

  static open(options: {
    res: Response;
    filter: EventFilter;
    buckets: readonly string[];
    retryMs: number;
    onClose: (connection: SseConnection, reason: SseCloseReason) => void;
  }): SseConnection {
    const { res } = options;
    const connection = new SseConnection(res, options.filter, options.buckets);
    res.on('close', () => {
      const reason = connection.#closeReason ?? 'client';
      connection.#closeReason = reason;
      connection.#res = undefined;
      options.onClose(connection, reason);
    });
    const socket = res.socket;
    socket?.setTimeout(0);
    socket?.setNoDelay(true);
    socket?.setKeepAlive(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform keeps the compression middleware (and proxies) out of the stream
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    connection.write(`retry: ${options.retryMs}\n: connected\n\n`, Number.MAX_SAFE_INTEGER);
    return connection;
  }

  private constructor(res: Response, filter: EventFilter, buckets: readonly string[]) {
    this.#res = res;
    this.filter = filter;
    this.buckets = buckets;
  }

  get closed(): boolean {
    return this.#res === undefined || this.#closeReason !== undefined;
  }

  /** Why it ended, once it has. */
  get closeReason(): SseCloseReason | undefined {
    return this.#closeReason;
  }

  /** Bytes written but not yet taken by the socket. */
  get bufferedBytes(): number {
    return this.#res?.writableLength ?? 0;
  }

  /**
   * Writes without waiting. Returns false when the connection is gone or was
   * cut because more than `maxBufferedBytes` would stay queued.
   */
  write(chunk: Buffer | string, maxBufferedBytes: number): boolean {
    const res = this.#res;
    if (!res || this.#closeReason) return false;
    if (res.writableLength > maxBufferedBytes) {
      this.end('slow');
      return false;
    }
    res.write(chunk);
    (res as Response & { flush?: () => void }).flush?.();
    return true;
  }

  /** Resolves once the socket took what was queued, or false if it closed or `timeoutMs` passed first. */
  async drained(timeoutMs: number): Promise<boolean> {
    const res = this.#res;
    if (!res || this.#closeReason) return false;
    if (res.writableLength === 0 || !res.writableNeedDrain) return true;
    return new Promise(resolve => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  }

  /**
   * Ends the stream: `drain` ends it cleanly so the client reconnects (to
   * another replica), `slow` drops it at once.
   */
  end(reason: SseCloseReason): void {
    const res = this.#res;
    if (!res || this.#closeReason) return;
    this.#closeReason = reason;
    if (reason === 'slow') {
      res.destroy();
    } else {
      res.end();
    }
  }

  /** Drops the socket now (after a drain that took too long). */
  destroy(): void {
    this.#res?.destroy();
  }
}
