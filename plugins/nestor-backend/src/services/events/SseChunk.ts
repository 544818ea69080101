const CRLF = Buffer.from('\r\n');

/**
 * Bytes of the event stream, framed once for every connection that gets
 * them: `plain` as they appear in the stream, `chunked` wrapped as one HTTP/1.1
 * chunk (size line, bytes, CRLF), for connections that write to their socket
 * directly under `Transfer-Encoding: chunked`.
 * @internal
 */
export class SseChunk {
  readonly plain: Buffer;
  #chunked: Buffer | undefined;

  static of(text: string | Buffer): SseChunk {
    return new SseChunk(typeof text === 'string' ? Buffer.from(text) : text);
  }

  private constructor(plain: Buffer) {
    this.plain = plain;
  }

  get chunked(): Buffer {
    this.#chunked ??= Buffer.concat([Buffer.from(`${this.plain.length.toString(16)}\r\n`), this.plain, CRLF]);
    return this.#chunked;
  }

  get byteLength(): number {
    return this.plain.length;
  }
}
