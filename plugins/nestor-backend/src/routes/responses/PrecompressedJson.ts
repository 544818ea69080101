import { gzipSync } from 'node:zlib';
import { Request, Response } from 'express';

/** What the root router's `compression` middleware leaves uncompressed. */
const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Sends JSON text gzipped once and kept, for bodies that repeat (a hot
 * catalog page is the same text for every caller with the same view until
 * the next sync). Otherwise the root router's `compression` middleware would
 * gzip the same tens of kilobytes on every request, which was a fifth of the
 * time of `GET /catalog?limit=50`.
 *
 * The key is the text itself, so an entry can never be stale: a changed
 * page is a different text. The middleware stays in charge of everything
 * else: a client that does not accept gzip, or that accepts Brotli (which
 * the middleware prefers), a HEAD request, or a body under its 1 kB
 * threshold gets the plain text, which the middleware treats as before
 * (this route sets no `Cache-Control: no-transform`, so it would compress).
 * At most `maxBytes` (8 MB) of bodies are kept, the least recently used
 * dropped first.
 * @public
 */
export class PrecompressedJson {
  readonly #maxBytes: number;
  readonly #gzipped = new Map<string, Buffer>();
  #bytes = 0;

  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  }

  /** Answers `json` (a JSON text) with status 200. */
  send(req: Request, res: Response, json: string): void {
    res.type('application/json');
    const gzipped = this.#wantsGzip(req) ? this.gzipOf(json) : undefined;
    if (!gzipped) {
      res.send(json);
      return;
    }
    res.vary('Accept-Encoding');
    res.setHeader('Content-Encoding', 'gzip');
    res.send(gzipped);
  }

  /**
   * The gzip bytes of `json`, compressed on first use; undefined for a body
   * under the middleware's threshold or too large to keep (the middleware
   * then compresses it as it would any other).
   */
  gzipOf(json: string): Buffer | undefined {
    const found = this.#gzipped.get(json);
    if (found) {
      // most recently used last: a Map iterates in insertion order
      this.#gzipped.delete(json);
      this.#gzipped.set(json, found);
      return found;
    }
    const textBytes = Buffer.byteLength(json);
    if (textBytes < COMPRESSION_THRESHOLD_BYTES || textBytes > this.#maxBytes / 8) return undefined;
    const gzipped = gzipSync(json);
    const size = textBytes + gzipped.length;
    while (this.#bytes + size > this.#maxBytes && this.#gzipped.size > 0) {
      const [oldest, bytes] = this.#gzipped.entries().next().value!;
      this.#gzipped.delete(oldest);
      this.#bytes -= Buffer.byteLength(oldest) + bytes.length;
    }
    this.#gzipped.set(json, gzipped);
    this.#bytes += size;
    return gzipped;
  }

  /** Bodies kept and their bytes (text and gzip). */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.#gzipped.size, bytes: this.#bytes };
  }

  #wantsGzip(req: Request): boolean {
    if (req.method !== 'GET') return false;
    // Brotli is what the middleware would pick for such a client: leave it to it
    if (req.acceptsEncodings('br') === 'br') return false;
    return req.acceptsEncodings('gzip', 'deflate', 'identity') === 'gzip';
  }
}
