/*
 * The subscribers: N raw TCP connections speaking just enough HTTP/1.1 to
 * open an event stream. Each chunk is stamped with its arrival time and
 * scanned for `id:` lines with Buffer.indexOf (no per-message parsing), so
 * the client costs both contenders the same, and little.
 */
import net from 'node:net';
import { nowMs, serveRequests } from './ipc';

const ID = Buffer.from('\nid: ');
const HEADER_END = Buffer.from('\r\n\r\n');

class Subscriber {
  status = 0;
  count = 0;
  lastId = 0;
  outOfOrder = 0;
  closed = false;
  #carry: Buffer | undefined;
  #headers = true;
  #reported = false;
  readonly socket: net.Socket;

  constructor(
    url: URL,
    token: string | undefined,
    readonly ids: Int32Array,
    readonly times: Float64Array,
    readonly offset: number,
    readonly capacity: number,
    onOpen: (s: Subscriber) => void,
  ) {
    this.socket = net.connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
      this.socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n${auth}\r\n`,
      );
    });
    this.socket.on('data', chunk => {
      const at = nowMs();
      let buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
      if (this.#headers) {
        const end = buf.indexOf(HEADER_END);
        if (end < 0) {
          this.#carry = buf;
          return;
        }
        this.status = Number(buf.subarray(9, 12).toString());
        this.#headers = false;
        this.#reported = true;
        onOpen(this);
        buf = buf.subarray(end + 2); // keep a '\n' before the first line
      }
      const lastNl = buf.lastIndexOf(10);
      this.#scan(buf.subarray(0, lastNl + 1), at);
      // keep the unfinished line, with the newline before it, for the next chunk
      this.#carry = lastNl >= 0 ? buf.subarray(lastNl) : buf;
    });
    this.socket.on('close', () => {
      this.closed = true;
      if (!this.#reported) {
        // refused or failed before answering: status 0
        this.#reported = true;
        onOpen(this);
      }
    });
    this.socket.on('error', () => {});
  }

  #scan(buf: Buffer, at: number) {
    for (let i = buf.indexOf(ID); i >= 0; i = buf.indexOf(ID, i + 1)) {
      let id = 0;
      for (
        let j = i + ID.length;
        j < buf.length && buf[j] >= 48 && buf[j] <= 57;
        j++
      )
        id = id * 10 + buf[j] - 48;
      if (id <= this.lastId) this.outOfOrder += 1;
      this.lastId = id;
      if (this.count < this.capacity) {
        this.ids[this.offset + this.count] = id;
        this.times[this.offset + this.count] = at;
      }
      this.count += 1;
    }
  }
}

let subscribers: Subscriber[] = [];
let ids = new Int32Array(0);
let times = new Float64Array(0);
let capacity = 0;

function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

serveRequests({
  /** Makes room for `total` streams of `expectEvents` events each. */
  prepare({ total, expectEvents }: { total: number; expectEvents: number }) {
    capacity = expectEvents + 8; // room for the handful of warm-up or extra events
    ids = new Int32Array(total * capacity);
    times = new Float64Array(total * capacity);
    subscribers = [];
    return {};
  },

  /** Opens `count` more streams, `concurrency` at a time; resolves when all answered. */
  async connect({
    url,
    token,
    count,
    concurrency,
  }: {
    url: string;
    token?: string;
    count: number;
    concurrency: number;
  }) {
    const target = new URL(url);
    const goal = subscribers.length + count;
    const progress = { answered: 0, inFlight: 0 };
    await new Promise<void>(resolve => {
      function onAnswer() {
        progress.inFlight -= 1;
        progress.answered += 1;
        if (progress.answered === count) resolve();
        else openNext();
      }
      function openNext() {
        while (progress.inFlight < concurrency && subscribers.length < goal) {
          progress.inFlight += 1;
          const offset = subscribers.length * capacity;
          subscribers.push(
            new Subscriber(
              target,
              token,
              ids,
              times,
              offset,
              capacity,
              onAnswer,
            ),
          );
        }
      }
      openNext();
    });
    const statuses: Record<number, number> = {};
    for (const s of subscribers)
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    return { statuses };
  },

  /** Waits until every stream has `count` events (or `timeoutMs`), then sums up. */
  async collect({
    firstId,
    sentAt,
    timeoutMs,
  }: {
    firstId: number;
    sentAt: number[];
    timeoutMs: number;
  }) {
    const count = sentAt.length;
    const lastId = firstId + count - 1;
    const end = Date.now() + timeoutMs;
    while (
      Date.now() < end &&
      subscribers.some(s => s.lastId < lastId && !s.closed)
    ) {
      await new Promise(r => setTimeout(r, 50));
    }
    const deliveries: number[] = [];
    const completion = new Float64Array(count).fill(-Infinity);
    let missing = 0;
    let duplicates = 0;
    let closed = 0;
    for (const s of subscribers) {
      if (s.closed) closed += 1;
      const seen = new Uint8Array(count);
      for (let k = 0; k < Math.min(s.count, capacity); k++) {
        const index = ids[s.offset + k] - firstId;
        if (index < 0 || index >= count) continue; // warm-up events
        if (seen[index]) duplicates += 1;
        seen[index] = 1;
        const latency = times[s.offset + k] - sentAt[index];
        deliveries.push(latency);
        if (latency > completion[index]) completion[index] = latency;
      }
      for (let i = 0; i < count; i++) if (!seen[i]) missing += 1;
    }
    const sortedDeliveries = Float64Array.from(deliveries).sort();
    const sortedCompletion = completion.slice().sort();
    return {
      expected: subscribers.length * count,
      delivered: deliveries.length,
      missing,
      duplicates,
      outOfOrder: subscribers.reduce((n, s) => n + s.outOfOrder, 0),
      closed,
      deliveryMs: {
        p50: percentile(sortedDeliveries, 50),
        p99: percentile(sortedDeliveries, 99),
        max: sortedDeliveries.at(-1) ?? NaN,
      },
      lastSocketMs: {
        p50: percentile(sortedCompletion, 50),
        p99: percentile(sortedCompletion, 99),
      },
    };
  },

  async close() {
    for (const s of subscribers) s.socket.destroy();
    subscribers = [];
    return {};
  },
});
