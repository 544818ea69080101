import { mockServices } from '@backstage/backend-test-utils';
import net from 'node:net';
import { NestorClient, NestorEvent } from '@nestor/plugin-nestor-common';
import { EventRetention } from '../services/events/EventRetention';
import {
  EventsBackend,
  eventsBackendConfig,
  freePort,
  PROCESSOR_TOKENS,
  startEventsBackend,
} from '../services/events/__testUtils__/startEventsBackend';
import {
  controllableFetch,
  openEventSource,
  readRaw,
  teamEvent,
  waitFor,
} from '../services/events/__testUtils__/sseTestClients';

jest.setTimeout(60_000);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('GET /events through a real backend', () => {
  let backend: EventsBackend;
  const cleanups: Array<() => void | Promise<void>> = [];

  beforeAll(async () => {
    backend = await startEventsBackend(eventsBackendConfig({ port: await freePort() }));
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  function eventSource(subject: keyof typeof PROCESSOR_TOKENS, query = '') {
    const f = controllableFetch(PROCESSOR_TOKENS[subject]);
    const source = openEventSource(`${backend.baseUrl}/events${query}`, f.fetch);
    cleanups.push(() => source.close());
    return { ...source, control: f };
  }

  function client(subject: keyof typeof PROCESSOR_TOKENS, fetchFn?: typeof fetch) {
    return new NestorClient({
      baseUrl: backend.baseUrl,
      token: PROCESSOR_TOKENS[subject],
      fetchApi: fetchFn ? { fetch: fetchFn } : undefined,
    });
  }

  it('streams to each processor what its teams may see, and a team-B processor never a team-A event', async () => {
    const a = eventSource('proc-a');
    const b = eventSource('proc-b');
    const all = eventSource('proc-all');
    await Promise.all([a.opened(), b.opened(), all.opened()]);

    const published = await backend.source.publish([
      teamEvent('team-a', 1),
      teamEvent('team-b', 2),
      teamEvent(null, 3),
      teamEvent(null, 4, { type: 'catalog.updated', ref: 'pg', visibleTo: ['team-a'] }),
      teamEvent('team-platform', 5, { type: 'catalog.updated', ref: 'vpc', visibleTo: ['team-b'] }),
      teamEvent('team-a', 6, { type: 'deployment.failed' }),
    ]);
    // a global event after them: a stream that has it has had everything before it
    const [sentinel] = await backend.source.publish([teamEvent(null, 7, { type: 'gitops.synced' })]);
    await waitFor(() => [a, b, all].every(s => s.events.some(e => e.id === sentinel.id)), 'the sentinel everywhere');

    const ids = (s: { events: NestorEvent[] }) => s.events.map(e => e.payload as { i: number }).map(p => p.i);
    expect(ids(a)).toEqual([1, 3, 4, 6, 7]);
    expect(ids(b)).toEqual([2, 3, 5, 7]);
    expect(ids(all)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(b.events.some(e => e.team === 'team-a')).toBe(false);
    // what crossed the wire: the event with its id and type, `visibleTo` kept on the server
    expect(a.events[2]).toEqual({
      id: published[3].id,
      type: 'catalog.updated',
      team: null,
      ref: 'pg',
      time: published[3].time,
      payload: { i: 4 },
    });
    expect(a.ids).toEqual(a.events.map(e => String(e.id)));
  });

  it('filters by team and types, and refuses a team the caller does not act for', async () => {
    const onlyB = eventSource('proc-ab', '?team=team-b&types=deployment.failed,catalog.updated');
    await onlyB.opened();
    await backend.source.publish([
      teamEvent('team-a', 1, { type: 'deployment.failed' }),
      teamEvent('team-b', 2, { type: 'deployment.phase' }),
      teamEvent('team-b', 3, { type: 'deployment.failed' }),
      teamEvent(null, 4, { type: 'catalog.updated', visibleTo: ['team-b'] }),
    ]);
    await waitFor(() => onlyB.events.length === 2, 'the two matching events');
    expect(onlyB.events.map(e => (e.payload as { i: number }).i)).toEqual([3, 4]);

    const res = await fetch(`${backend.baseUrl}/events?team=team-b`, {
      headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-a']}` },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({
      name: 'NotAllowedError',
      message: 'You do not act for team "team-b", so you cannot follow its events',
    });
  });

  it('answers bad requests with 400 naming every problem, and no credentials with 401', async () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${backend.baseUrl}/events${query}`, {
        headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-a']}`, ...headers },
      });
    const bad = await get('?types=deployment.phase,deployment.exploded&team=', { 'Last-Event-ID': 'abc' });
    expect(bad.status).toBe(400);
    const { error } = await bad.json();
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('team: must not be empty');
    expect(error.message).toContain('types: unknown event type(s) "deployment.exploded"');
    expect(error.message).toContain('Last-Event-ID: "abc" is not an event id');

    expect((await fetch(`${backend.baseUrl}/events`)).status).toBe(401);
    expect((await fetch(`${backend.baseUrl}/events`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('resumes with Last-Event-ID after a cut: 100 events published while away arrive in order, once (eventsource)', async () => {
    const s = eventSource('proc-a');
    await s.opened();
    const before = await backend.source.publish(range(1, 5).map(i => teamEvent('team-a', i)));
    await waitFor(() => s.events.length === 5, 'the first five');

    s.control.hold();
    s.control.cutAll(); // EventSource sees the stream fail and reconnects (after `retry:` 100 ms)
    const away: NestorEvent[] = [];
    for (let i = 0; i < 10; i++) {
      away.push(...(await backend.source.publish(range(1, 10).map(j => teamEvent(j % 2 ? 'team-a' : 'team-b', i * 10 + j)))));
      away.push(...(await backend.source.publish([teamEvent('team-a', 1000 + i)])));
    }
    s.control.release();

    const expected = away.filter(e => e.team === 'team-a').map(e => e.id);
    expect(expected).toHaveLength(60);
    await waitFor(() => s.events.length === 5 + expected.length, 'the events published while away');
    await new Promise(r => setTimeout(r, 300)); // and nothing more (no duplicates) arrives after them
    expect(s.events.map(e => e.id)).toEqual([...before.map(e => e.id), ...expected]);
    expect(s.control.requests.at(-1)?.lastEventId).toBe(String(before[4].id));
  });

  it('resumes with Last-Event-ID: drop mid-stream, publish 100, reconnect, get all 100 in order once (NestorClient)', async () => {
    const control = controllableFetch();
    const got: number[] = [];
    let opened = false;
    let sub = client('proc-a', control.fetch).subscribe({}, e => got.push(e.id), {
      retryMs: 50,
      onOpen: () => {
        opened = true;
      },
    });
    cleanups.push(() => sub.close());
    await waitFor(() => opened, 'the subscription to open');
    const first = await backend.source.publish(range(1, 40).map(i => teamEvent('team-a', i)));
    // drop the connection while the first batch is still arriving
    await waitFor(() => got.length >= 10, 'some of the first batch');
    sub.close();
    const deliveredBefore = [...got];
    const lastEventId = sub.lastEventId;
    expect(Number(lastEventId)).toBe(deliveredBefore.at(-1));

    const hundred: NestorEvent[] = [];
    for (let i = 0; i < 10; i++) {
      hundred.push(...(await backend.source.publish(range(1, 10).map(j => teamEvent('team-a', 100 + i * 10 + j)))));
    }
    const resumed: number[] = [];
    sub = client('proc-a', control.fetch).subscribe({}, e => resumed.push(e.id), { lastEventId });
    const rest = first.filter(e => e.id > Number(lastEventId)).map(e => e.id);
    await waitFor(() => resumed.length === rest.length + 100, 'the rest of the first batch and the 100');
    await new Promise(r => setTimeout(r, 300));
    expect(resumed).toEqual([...rest, ...hundred.map(e => e.id)]);
    expect([...deliveredBefore, ...resumed]).toEqual([...first, ...hundred].map(e => e.id));
    expect(control.requests.at(-1)?.lastEventId).toBe(lastEventId);
  });

  it('hands over from replay to live without a gap or a repeat while events keep coming', async () => {
    const [start] = await backend.source.publish([teamEvent('team-a', 0)]);
    const backlog = await backend.source.publish(range(1, 1200).map(i => teamEvent(i % 3 ? 'team-a' : 'team-b', i)));
    // keep publishing while the client replays the backlog (more than two replay pages)
    let publishing = true;
    const during: NestorEvent[] = [];
    const publisher = (async () => {
      for (let i = 0; publishing && i < 200; i++) during.push(...(await backend.source.publish([teamEvent('team-a', 5000 + i)])));
    })();
    const got: number[] = [];
    const sub = client('proc-a').subscribe({}, e => got.push(e.id), { lastEventId: String(start.id) });
    cleanups.push(() => sub.close());
    await waitFor(() => got.length >= 50 + backlog.filter(e => e.team === 'team-a').length, 'the backlog and some live events');
    publishing = false;
    await publisher;
    const [last] = await backend.source.publish([teamEvent('team-a', 9999)]);
    await waitFor(() => got.at(-1) === last.id, 'the last event');
    const expected = [...backlog, ...during, last].filter(e => e.team === 'team-a').map(e => e.id);
    expect(got).toEqual(expected);
  });

  it('sends event: reset when Last-Event-ID is older than retention, then goes on live', async () => {
    const store = await backend.source.store();
    const old = await backend.source.publish(range(1, 3).map(i => teamEvent('team-a', i)));
    await new Promise(r => setTimeout(r, 20));
    const cutoff = Date.now();
    await new Promise(r => setTimeout(r, 20));
    const kept = await backend.source.publish([teamEvent('team-a', 4)]);
    // retention as it will be seven days after `cutoff`: everything before it goes
    const retention = EventRetention.create({ store: store.events, logger: mockServices.logger.mock(), retentionDays: 7 });
    expect(await retention.prune(new Date(cutoff + 7 * 86_400_000))).toBeGreaterThanOrEqual(3);
    expect(await store.events.oldestId()).toBe(kept[0].id);

    const control = controllableFetch(PROCESSOR_TOKENS['proc-a']);
    const s = openEventSource(`${backend.baseUrl}/events?lastEventId=${old[0].id}`, control.fetch);
    cleanups.push(() => s.close());
    await waitFor(() => s.resets.length === 1, 'the reset');
    const latest = await store.events.latestId();
    expect(s.resets[0]).toEqual({
      id: String(latest),
      data: { requestedId: old[0].id, oldestId: kept[0].id, latestId: latest, reason: 'expired' },
    });
    const [live] = await backend.source.publish([teamEvent('team-a', 5)]);
    await waitFor(() => s.events.length === 1, 'the live event after the reset');
    expect(s.events.map(e => e.id)).toEqual([live.id]);
  });

  it('sends event: reset for an id the log never had', async () => {
    const latest = await (await backend.source.store()).events.latestId();
    const res = await fetch(`${backend.baseUrl}/events`, {
      headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-a']}`, 'Last-Event-ID': String(latest + 1000) },
    });
    const body = readRaw(res);
    cleanups.push(body.cancel);
    await waitFor(() => body.text.includes('event: reset'), 'the reset');
    expect(body.text).toContain(
      `id: ${latest}\nevent: reset\ndata: ${JSON.stringify({ requestedId: latest + 1000, latestId: latest, reason: 'unknown' })}\n\n`,
    );
  });

  it('writes plain, unchunked events to an HTTP/1.0 client', async () => {
    const { hostname, port } = new URL(backend.baseUrl);
    const socket = net.connect(Number(port), hostname);
    cleanups.push(() => void socket.destroy());
    let raw = '';
    socket.on('data', d => (raw += d.toString()));
    socket.write(`GET /api/nestor/events HTTP/1.0\r\nAuthorization: Bearer ${PROCESSOR_TOKENS['proc-a']}\r\n\r\n`);
    await waitFor(() => raw.includes(': connected'), 'the stream to open');
    const [e] = await backend.source.publish([teamEvent('team-a', 1)]);
    await waitFor(() => raw.includes(`id: ${e.id}\n`), 'the event');
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.toLowerCase()).not.toContain('transfer-encoding: chunked');
    // no chunk-size lines: the body is the event stream itself (heartbeats aside)
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replaceAll(':\n\n', '');
    const [head, frame] = body.split(`id: ${e.id}\n`);
    expect(head).toBe('retry: 100\n: connected\n\n');
    expect(frame.startsWith('event: deployment.phase\ndata: ')).toBe(true);
    expect(JSON.parse(frame.slice('event: deployment.phase\ndata: '.length))).toEqual({
      id: e.id,
      type: 'deployment.phase',
      team: 'team-a',
      ref: e.ref,
      time: e.time,
      payload: { i: 1 },
    });
  });

  it('is not held back by compression: a gzip-accepting client gets each event as it happens, plus retry and heartbeats', async () => {
    const res = await fetch(`${backend.baseUrl}/events`, {
      headers: { Authorization: `Bearer ${PROCESSOR_TOKENS['proc-all']}`, 'Accept-Encoding': 'gzip, deflate, br' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const body = readRaw(res);
    cleanups.push(body.cancel);
    await waitFor(() => body.text.startsWith('retry: 100\n: connected\n\n'), 'the retry hint');
    for (let i = 1; i <= 3; i++) {
      const [e] = await backend.source.publish([teamEvent('team-b', i)]);
      // each event is readable on its own while the stream stays open: nothing buffers it
      await waitFor(() => body.text.includes(`id: ${e.id}\nevent: deployment.phase\n`), `event ${i} while the stream is open`);
      expect(body.ended).toBe(false);
    }
    const beats = () => body.text.split(':\n\n').length - 1;
    const seen = beats();
    await waitFor(() => beats() >= seen + 2, 'two heartbeats (every 0.2 s here)');
  });
});
