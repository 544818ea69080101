import { Response } from 'express';
import { Socket } from 'node:net';
import { EventFilter } from './EventFilter';
import { SseChunk } from './SseChunk';

type FlushableResponse = Response & { flush?: () => void };

/** Why a connection ended. @internal */
export type SseCloseReason = 'client' | 'slow' | 'drain';

/**
 * How a connection's bytes reach the client: straight to the socket, as
 * HTTP/1.1 chunks or (HTTP/1.0) as they are, or through the response object.
 */
type Framing = 'chunked' | 'plain' | 'response';

/**
 * One open `text/event-stream` response. Writes never wait: a write that
 * would leave more than `maxBufferedBytes` queued for the socket cuts the
 * connection instead (a slow consumer), so one stalled reader costs the
 * others nothing; it reconnects with `Last-Event-ID` and catches up from the
 * log.
 *
 * Once the headers are out, events are written to the socket directly, as
 * pre-framed HTTP chunks shared by every connection of a filter class: the
 * per-write cost of the response object's layers (Express, the compression
 * wrapper, Node's chunk framing) would otherwise be most of a broadcast's
 * time. `Cache-Control: no-transform` keeps the compression middleware out
 * of the stream; should anything still encode it, or should the response not
 * own its socket yet, writes go through `res.write` + `res.flush()` instead.
 * @internal
 */
export class SseConnection {
  readonly filter: EventFilter;
  /** False while it replays from the log; the hub's fan-out skips it until then. */
  live = false;
  #res: Response | undefined;
  #socket: Socket | undefined;
  #framing: Framing = 'response';
  #closeReason: SseCloseReason | undefined;

  static open(options: {
    res: Response;
    filter: EventFilter;
    retryMs: number;
    onClose: (connection: SseConnection, reason: SseCloseReason) => void;
  }): SseConnection {
    const { res } = options;
    const { onClose } = options;
    const connection = new SseConnection(res, options.filter);
    res.on('close', () => {
      const reason = connection.#closeReason ?? 'client';
      connection.#closeReason = reason;
      connection.#res = undefined;
      connection.#socket = undefined;
      onClose(connection, reason);
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
    res.write(`retry: ${options.retryMs}\n: connected\n\n`);
    (res as FlushableResponse).flush?.();
    // Node keeps the header block it sent for the response's lifetime, as a rope of ~60 pieces
    // (one per header line); reading a character flattens it in place, which saves ~2 KB per stream.
    (res as Response & { _header?: string })._header?.charCodeAt(0);
    if (socket && !res.getHeader('content-encoding') && res.writableLength === socket.writableLength) {
      // the headers and the first bytes are on the socket, and nothing re-encodes the body
      connection.#socket = socket;
      connection.#framing = (res as Response & { chunkedEncoding?: boolean }).chunkedEncoding ? 'chunked' : 'plain';
    }
    return connection;
  }

  private constructor(res: Response, filter: EventFilter) {
    this.#res = res;
    this.filter = filter;
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
    return (this.#socket ?? this.#res)?.writableLength ?? 0;
  }

  /**
   * Writes without waiting. Returns false when the connection is gone or was
   * cut because more than `maxBufferedBytes` would stay queued.
   */
  write(chunk: SseChunk, maxBufferedBytes: number): boolean {
    const res = this.#res;
    if (!res || this.#closeReason) return false;
    const socket = this.#socket;
    if ((socket ?? res).writableLength > maxBufferedBytes) {
      this.end('slow');
      return false;
    }
    if (socket) {
      socket.write(this.#framing === 'chunked' ? chunk.chunked : chunk.plain);
    } else {
      res.write(chunk.plain);
      (res as FlushableResponse).flush?.();
    }
    return true;
  }

  /** Resolves once the socket took what was queued, or false if it closed or `timeoutMs` passed first. */
  async drained(timeoutMs: number): Promise<boolean> {
    const res = this.#res;
    if (!res || this.#closeReason) return false;
    const out = this.#socket ?? res;
    if (out.writableLength === 0 || !out.writableNeedDrain) return true;
    return new Promise(resolve => {
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const listeners = { drain: () => done(true), close: () => done(false) };
      function done(ok: boolean) {
        clearTimeout(timer);
        out.off('drain', listeners.drain);
        res!.off('close', listeners.close);
        resolve(ok);
      }
      timer = setTimeout(() => done(false), timeoutMs);
      out.on('drain', listeners.drain);
      res.on('close', listeners.close);
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
