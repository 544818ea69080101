/*
 * The baseline: a minimal `node:http` SSE broadcaster. It keeps every
 * response in a Set and writes each event to all of them in one loop: no
 * framework, no auth, no filtering, no log.
 */
import http from 'node:http';
import { nowMs, serveRequests, settledMemory } from './ipc';

const clients = new Set<http.ServerResponse>();
const fanoutMs: number[] = [];
/** the write loop alone, before Node hands the corked writes to the kernel */
const loopMs: number[] = [];

const server = http.createServer((req, res) => {
  if (req.url?.split('?')[0] !== '/events') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
  });
  res.write(': connected\n\n');
  clients.add(res);
  res.on('close', () => clients.delete(res));
});
server.keepAliveTimeout = 0;
server.requestTimeout = 0;

serveRequests({
  async start() {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/events` };
  },
  memory: () => ({ ...settledMemory(), connections: clients.size }),
  async broadcast({
    count,
    intervalMs,
    padBytes,
  }: {
    count: number;
    intervalMs: number;
    padBytes: number;
  }) {
    const pad = 'x'.repeat(padBytes);
    const sentAt: number[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const at = nowMs();
      sentAt.push(at);
      const event = {
        id: seq,
        type: 'deployment.phase',
        team: null,
        ref: null,
        time: new Date().toISOString(),
        payload: { seq, pad },
      };
      const frame = Buffer.from(
        `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
      );
      const started = performance.now();
      for (const res of clients) res.write(frame);
      loopMs.push(performance.now() - started);
      // Node corks each response and writes to the socket on the next tick: count that too
      await new Promise(resolve => setImmediate(resolve));
      fanoutMs.push(performance.now() - started);
      await new Promise(r =>
        setTimeout(r, Math.max(0, intervalMs - (nowMs() - at))),
      );
    }
    return {
      firstId: 1,
      sentAt,
      fanoutMs: fanoutMs.splice(0),
      loopMs: loopMs.splice(0),
    };
  },
});
