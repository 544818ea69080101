/** One message of a `text/event-stream`. @public */
export interface EventStreamMessage {
  /** The last event id seen on the stream (it carries over to later messages, as in the WHATWG rules). */
  id?: string;
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** Callbacks of {@link EventStreamParser}. @public */
export interface EventStreamParserOptions {
  /** A `retry:` field: the reconnection delay the server asks for, in ms. */
  onRetry?: (ms: number) => void;
  /** A comment line (`: ...`), such as a heartbeat. */
  onComment?: (text: string) => void;
}

/**
 * An incremental `text/event-stream` parser following the WHATWG rules: feed
 * it chunks of text as they arrive, it calls `onMessage` for every complete
 * message. Lines may end with LF, CR or CRLF, split anywhere across chunks.
 * @public
 */
export class EventStreamParser {
  #buffer = '';
  #started = false;
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  readonly #onMessage: (message: EventStreamMessage) => void;
  readonly #options: EventStreamParserOptions;

  constructor(onMessage: (message: EventStreamMessage) => void, options: EventStreamParserOptions = {}) {
    this.#onMessage = onMessage;
    this.#options = options;
  }

  /** The last event id seen, as an `EventSource` would send it on reconnection. */
  get lastEventId(): string | undefined {
    return this.#id;
  }

  feed(chunk: string): void {
    let text = this.#buffer + chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    // positions of the next CR and LF at or after `start`; -1 when there is none,
    // so a chunk without CRs is scanned for them once, not once per line
    let cr = text.indexOf('\r');
    let lf = text.indexOf('\n');
    for (;;) {
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // a CR at the very end may be the first half of a CRLF split across chunks
        if (cr === text.length - 1) break;
        end = cr;
        next = lf === cr + 1 ? cr + 2 : cr + 1;
      } else if (lf >= 0) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.#line(text.slice(start, end));
      start = next;
    }
    this.#buffer = start === 0 ? text : text.slice(start);
  }

  /** Drops a partial line and any half-built message (the stream ended or was cut). */
  reset(): void {
    this.#buffer = '';
    this.#data = [];
    this.#event = '';
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.#options.onComment?.(line.slice(1).trimStart());
      return;
    }
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
        if (/^\d+$/.test(value)) this.#options.onRetry?.(Number(value));
        break;
      default:
        // unknown fields are ignored
        break;
    }
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = '';
    if (data.length === 0) return;
    this.#onMessage({ id: this.#id, event: event || 'message', data: data.join('\n') });
  }
}
