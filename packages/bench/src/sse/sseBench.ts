/*
 * SSE fan-out: N concurrent subscribers on one server process, events at a
 * steady rate, Nestor's real backend against a bare `node:http` broadcaster
 * in the same run. Servers and the subscribers' client run in separate
 * processes (the client opens raw sockets and stamps arrival times), so the
 * memory measured is the server's alone.
 *
 *   npm run bench -- sse [--connections 10000] [--events 100] [--interval 100] [--pad 256] [--runs 3]
 */
import { BenchResult } from '../report/BenchResult';
import { BenchChild } from './ipc';

interface Options {
  connections: number;
  events: number;
  intervalMs: number;
  padBytes: number;
  runs: number;
  concurrency: number;
}

interface Result {
  contender: string;
  kbPerConnectionRss: number;
  kbPerConnectionHeap: number;
  /** from no connection to all of them, fixed growth included */
  kbPerConnectionRssAll: number;
  fanoutMs: number;
  /** bare only: its write loop before Node flushes the corked writes (what PERFORMANCE.md's baseline timed) */
  loopMs: number;
  deliveryP50: number;
  deliveryP99: number;
  lastSocketP50: number;
  lastSocketP99: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  refused: number;
}

const CONTENDERS = {
  bare: 'bareSseServer.ts',
  nestor: 'nestorSseServer.ts',
} as const;

function parseOptions(args: string[]): Options {
  const value = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    const n = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number`);
    return n;
  };
  return {
    connections: value('connections', 10_000),
    events: value('events', 100),
    intervalMs: value('interval', 100),
    padBytes: value('pad', 256),
    runs: value('runs', 3),
    concurrency: value('concurrency', 200),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function runOnce(
  contender: keyof typeof CONTENDERS,
  o: Options,
): Promise<Result> {
  const server = BenchChild.start(CONTENDERS[contender]);
  const client = BenchChild.start('sseLoadClient.ts');
  try {
    const { url, token } = await server.request<{
      url: string;
      token?: string;
    }>('start', { connections: o.connections });
    // memory at 0, N/2 and N streams: the slope between N/2 and N leaves out what grows once
    // (the young generation, buffer pools) and is the cost of one more connection
    type Memory = { rss: number; heap: number; heapTotal: number };
    const half = Math.floor(o.connections / 2);
    const empty = await server.request<Memory>('memory');
    await client.request('prepare', {
      total: o.connections,
      expectEvents: o.events,
    });
    await client.request('connect', {
      url,
      token,
      count: half,
      concurrency: o.concurrency,
    });
    const middle = await server.request<Memory>('memory');
    const { statuses } = await client.request<{
      statuses: Record<string, number>;
    }>('connect', {
      url,
      token,
      count: o.connections - half,
      concurrency: o.concurrency,
    });
    const full = await server.request<Memory>('memory');
    if (process.env.SSE_BENCH_VERBOSE)
      console.log('   memory', contender, { empty, middle, full });
    const broadcast = await server.request<{
      firstId: number;
      sentAt: number[];
      fanoutMs: number[];
      loopMs?: number[];
    }>('broadcast', {
      count: o.events,
      intervalMs: o.intervalMs,
      padBytes: o.padBytes,
    });
    const got = await client.request<any>('collect', {
      firstId: broadcast.firstId,
      sentAt: broadcast.sentAt,
      timeoutMs: 30_000,
    });
    await client.request('close');
    const open = statuses['200'] ?? 0;
    return {
      contender,
      kbPerConnectionRss: (full.rss - middle.rss) / 1024 / (open - half),
      kbPerConnectionHeap: (full.heap - middle.heap) / 1024 / (open - half),
      kbPerConnectionRssAll: (full.rss - empty.rss) / 1024 / open,
      fanoutMs: median(broadcast.fanoutMs),
      loopMs: broadcast.loopMs ? median(broadcast.loopMs) : NaN,
      deliveryP50: got.deliveryMs.p50,
      deliveryP99: got.deliveryMs.p99,
      lastSocketP50: got.lastSocketMs.p50,
      lastSocketP99: got.lastSocketMs.p99,
      lost: got.missing,
      duplicates: got.duplicates,
      outOfOrder: got.outOfOrder,
      refused: o.connections - open,
    };
  } finally {
    await Promise.all([client.stop(), server.stop()]);
  }
}

const fmt = (n: number, digits = 1) =>
  Number.isFinite(n) ? n.toFixed(digits) : String(n);

export async function main(args: string[]): Promise<BenchResult> {
  const o = parseOptions(args);
  console.log(
    `SSE fan-out: ${o.connections} subscribers, ${o.events} events every ${o.intervalMs} ms (${o.padBytes} B padding), ${o.runs} run(s) each, alternating`,
  );
  const results: Record<string, Result[]> = { bare: [], nestor: [] };
  for (let run = 0; run < o.runs; run++) {
    const order: Array<keyof typeof CONTENDERS> =
      run % 2 === 0 ? ['bare', 'nestor'] : ['nestor', 'bare'];
    for (const contender of order) {
      const r = await runOnce(contender, o);
      results[contender].push(r);
      console.log(
        `  run ${run + 1} ${contender.padEnd(6)} ${fmt(
          r.kbPerConnectionRss,
        )} KB/conn (rss, N/2→N), ${fmt(
          r.kbPerConnectionHeap,
        )} KB/conn (heap, N/2→N), ` +
          `${fmt(r.kbPerConnectionRssAll)} KB/conn (rss, 0→N), ` +
          `fan-out ${fmt(r.fanoutMs, 2)} ms, delivery p50 ${fmt(
            r.deliveryP50,
          )} / p99 ${fmt(r.deliveryP99)} ms, ` +
          `last socket p50 ${fmt(r.lastSocketP50)} / p99 ${fmt(
            r.lastSocketP99,
          )} ms, lost ${r.lost}, dup ${r.duplicates}, refused ${r.refused}`,
      );
    }
  }
  const med = (c: string, k: keyof Result) =>
    median(results[c].map(r => r[k] as number));
  const keys: Array<[keyof Result, string, number]> = [
    ['kbPerConnectionRss', 'KB per connection (RSS, N/2→N)', 1],
    ['kbPerConnectionHeap', 'KB per connection (heap, N/2→N)', 1],
    ['kbPerConnectionRssAll', 'KB per connection (RSS, 0→N)', 1],
    ['fanoutMs', 'fan-out: write one event to all (ms)', 2],
    ['deliveryP50', 'delivery latency p50 (ms)', 1],
    ['deliveryP99', 'delivery latency p99 (ms)', 1],
    ['lastSocketP50', 'last socket per event p50 (ms)', 1],
    ['lastSocketP99', 'last socket per event p99 (ms)', 1],
  ];
  console.log(
    `\nmedians of ${o.runs} run(s)                 bare      nestor    ratio`,
  );
  for (const [k, label, d] of keys) {
    const b = med('bare', k);
    const n = med('nestor', k);
    console.log(
      `  ${label.padEnd(38)} ${fmt(b, d).padStart(8)}  ${fmt(n, d).padStart(
        8,
      )}  ${fmt(n / b, 2).padStart(6)}x`,
    );
  }
  console.log(
    `  (the bare broadcaster's write loop alone, before Node flushes its corked writes: ${fmt(
      med('bare', 'loopMs'),
      2,
    )} ms;\n` +
      '   Nestor writes to the sockets inside its loop, so only the flushed times compare)',
  );
  const lost = results.nestor.reduce(
    (s, r) => s + r.lost + r.duplicates + r.outOfOrder + r.refused,
    0,
  );
  const targets = [
    [
      `≤ 20 KB per connection (RSS, N/2→N)`,
      med('nestor', 'kbPerConnectionRss') <= 20,
    ],
    [
      `fan-out ≤ 2× the bare broadcaster`,
      med('nestor', 'fanoutMs') <= 2 * med('bare', 'fanoutMs'),
    ],
    [`no event lost, repeated or out of order, no stream refused`, lost === 0],
  ] as const;
  console.log('\ntargets');
  for (const [label, ok] of targets)
    console.log(`  ${ok ? 'MET ' : 'MISS'} ${label}`);
  if (targets.some(([, ok]) => !ok)) process.exitCode = 1;
  const measured = [
    `${fmt(med('nestor', 'kbPerConnectionRss'))} KB`,
    `${fmt(med('nestor', 'fanoutMs'), 2)} ms vs ${fmt(
      med('bare', 'fanoutMs'),
      2,
    )} ms = ${fmt(med('nestor', 'fanoutMs') / med('bare', 'fanoutMs'), 2)}×`,
    `${lost} lost, repeated, out of order or refused`,
  ];
  return {
    name: 'sse',
    title: 'SSE fan-out',
    setup:
      `${o.connections.toLocaleString(
        'en-US',
      )} subscribers on one server process, ${o.events} events every ${
        o.intervalMs
      } ms ` +
      `(${o.padBytes} B padding), Nestor's real backend against a bare \`node:http\` broadcaster, median of ${o.runs} run(s) each, alternating.`,
    table: {
      columns: ['median', 'bare', 'nestor', 'ratio'],
      rows: keys.map(([k, label, d]) => {
        const [b, n] = [med('bare', k), med('nestor', k)];
        return [label, fmt(b, d), fmt(n, d), `${fmt(n / b, 2)}×`];
      }),
    },
    targets: targets.map(([label, ok], i) => ({
      target: label,
      measured: measured[i],
      pass: ok,
    })),
  };
}
