/** One message of a `text/event-stream`. @public */
export interface EventStreamMessage {
  id?: string;
  event: string;
  data: string;
  retry?: number;
}

/**
 * An incremental `text/event-stream` parser (WHATWG rules): feed it chunks of
 * text, it calls `onMessage` for every complete message. Comments are ignored.
 * @public
 */
export class EventStreamParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #retry: number | undefined;
  readonly #onMessage: (message: EventStreamMessage) => void;

  constructor(onMessage: (message: EventStreamMessage) => void) {
    this.#onMessage = onMessage;
  }

  feed(chunk: string): void {
    this.#buffer += chunk;
    let start = 0;
    for (;;) {
      const nl = this.#nextLineEnd(start);
      if (nl < 0) break;
      const line = this.#buffer.slice(start, nl);
      start = nl + (this.#buffer[nl] === '\r' && this.#buffer[nl + 1] === '\n' ? 2 : 1);
      this.#line(line);
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #nextLineEnd(from: number): number {
    const n = this.#buffer.indexOf('\n', from);
    const r = this.#buffer.indexOf('\r', from);
    if (r >= 0 && (n < 0 || r < n)) {
      // a lone CR at the end of the buffer may be the first half of CRLF
      if (r === this.#buffer.length - 1) return -1;
      return r;
    }
    return n;
  }

  #line(line: string) {
    if (line === '') {
      if (this.#data.length > 0) {
        this.#onMessage({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n'), retry: this.#retry });
      }
      this.#data = [];
      this.#event = '';
      this.#retry = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        break;
    }
  }
}
