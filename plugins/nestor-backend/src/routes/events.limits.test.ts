import net from 'node:net';
import {
  EventsBackend,
  eventsBackendConfig,
  freePort,
  PROCESSOR_TOKENS,
  startEventsBackend,
} from '../services/events/__testUtils__/startEventsBackend';
import { controllableFetch, openEventSource, readRaw, teamEvent, waitFor } from '../services/events/__testUtils__/sseTestClients';

jest.setTimeout(90_000);

type Subject = keyof typeof PROCESSOR_TOKENS;

describe('GET /events connection management through a real backend', () => {
  let backend: EventsBackend;
  let port: number;
  const open: Array<{ cancel(): void }> = [];

  beforeAll(async () => {
    port = await freePort();
    backend = await startEventsBackend(
      eventsBackendConfig({ port, events: { maxConnections: 6, maxConnectionsPerTeam: 2 } }),
    );
  });

  afterEach(async () => {
    for (const o of open.splice(0)) o.cancel();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function stream(subject: Subject) {
    const res = await fetch(`${backend.baseUrl}/events`, { headers: { Authorization: `Bearer ${PROCESSOR_TOKENS[subject]}` } });
    if (res.status !== 200) return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    const body = readRaw(res);
    open.push(body);
    return { status: 200, body, cancel: body.cancel };
  }

  /** Retries until the stream opens: the server frees a slot when it sees the close. */
  async function streamWhenFree(subject: Subject) {
    let last: Awaited<ReturnType<typeof stream>> | undefined;
    for (let i = 0; i < 100 && last?.status !== 200; i++) {
      last = await stream(subject);
      if (last.status !== 200) await new Promise(r => setTimeout(r, 50));
    }
    return last!;
  }

  it('refuses a team its third stream with 429 and Retry-After, frees the slot on close, and counts other teams apart', async () => {
    const first = await streamWhenFree('proc-a');
    await streamWhenFree('proc-a');
    const refused = await stream('proc-a');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect((refused as { body: any }).body.error).toEqual(
      expect.objectContaining({
        name: 'TooManyConnectionsError',
        message: 'The limit of 2 event streams per team is reached for team-a',
      }),
    );
    // a processor for team-a and team-b is refused too: it would be team-a's third
    expect((await stream('proc-ab')).status).toBe(429);
    expect((await stream('proc-b')).status).toBe(200);

    (first as { cancel(): void }).cancel();
    expect((await streamWhenFree('proc-a')).status).toBe(200);
  });

  it('refuses any stream beyond the replica limit', async () => {
    for (const s of ['proc-a', 'proc-a', 'proc-b', 'proc-b', 'proc-all', 'proc-all'] as const) {
      expect((await streamWhenFree(s)).status).toBe(200);
    }
    const refused = await stream('proc-unmapped');
    expect(refused.status).toBe(429);
    expect((refused as { body: any }).body.error.message).toBe('This replica has reached its limit of 6 event streams');
  });

  it('cuts a consumer that stops reading, without holding back the others', async () => {
    // wait for the earlier tests' streams to be gone, so both fit
    const probe = await streamWhenFree('proc-a');
    (probe as { cancel(): void }).cancel();

    const slow = net.connect(port, '127.0.0.1');
    let slowText = '';
    let slowClosed = false;
    slow.on('data', d => (slowText += d.toString('latin1')));
    slow.on('close', () => (slowClosed = true));
    slow.on('error', () => {});
    slow.write(
      `GET /api/nestor/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${PROCESSOR_TOKENS['proc-a']}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await waitFor(() => slowText.includes(': connected'), 'the slow stream to open');
    slow.pause(); // and never read again until the end

    const fast = openEventSource(`${backend.baseUrl}/events`, controllableFetch(PROCESSOR_TOKENS['proc-all']).fetch);
    open.push({ cancel: () => fast.close() });
    await fast.opened();

    const blob = 'x'.repeat(64 * 1024);
    const ids: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const published = await backend.source.publish(
        Array.from({ length: 10 }, (_, i) => teamEvent('team-a', batch * 10 + i, { payload: { blob } })),
      );
      ids.push(...published.map(e => e.id));
    }
    // about 19 MB for each stream: far more than the socket buffers hold for a reader that stopped
    await waitFor(() => fast.events.length === 300, 'all 300 events on the fast stream', 60_000);
    expect(fast.events.map(e => e.id)).toEqual(ids);

    slow.resume();
    await waitFor(() => slowClosed, 'the server to have cut the slow stream');
    const slowEvents = slowText.split('\nevent: deployment.phase\n').length - 1;
    expect(slowEvents).toBeLessThan(300);
    slow.destroy();
  });

  it('drains open streams on shutdown so clients reconnect elsewhere', async () => {
    const s = await streamWhenFree('proc-b');
    const body = (s as { body: ReturnType<typeof readRaw> }).body;
    await waitFor(() => body.text.includes(': connected'), 'the stream to open');
    await backend.stop();
    await body.done;
    expect(body.ended).toBe(true);
    await expect(fetch(`${backend.baseUrl}/events`)).rejects.toThrow();
  });
});
