import { ResponseError } from '@backstage/errors';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { NestorEvent } from '../models/NestorEvent';
import { NestorClient } from './NestorClient';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server whose answers each test scripts. */
function useServer() {
  const state: {
    server?: http.Server;
    baseUrl: string;
    requests: Recorded[];
    handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
  } = {
    baseUrl: '',
    requests: [],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    },
  };
  beforeEach(async () => {
    state.requests = [];
    state.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        state.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        state.handler(req, res, body);
      });
    });
    await new Promise<void>(resolve => state.server!.listen(0, '127.0.0.1', resolve));
    state.baseUrl = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/api/nestor`;
  });
  afterEach(async () => {
    state.server?.closeAllConnections();
    await new Promise(resolve => state.server?.close(resolve));
  });
  return state;
}

function event(id: number, team: string | null = 'team-a'): NestorEvent {
  return { id, type: 'deployment.phase', team, ref: `${team}/dev/x`, time: new Date(0).toISOString(), payload: { id } };
}

function frame(e: NestorEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 5));
  }
}

describe('NestorClient REST methods', () => {
  const server = useServer();

  it('sends each call to its route with its method, query, body and bearer token', async () => {
    const client = new NestorClient({ baseUrl: `${server.baseUrl}/`, token: async () => 'tok' });
    const request = { team: 'team-a', environment: 'dev', name: 'db', resource: 'pg', parameters: {} };
    const calls: Array<[() => Promise<unknown>, string, string, unknown?]> = [
      [() => client.health(), 'GET', '/health'],
      [() => client.listCatalog({ q: 'pg sql', limit: 5, tag: undefined }), 'GET', '/catalog?q=pg+sql&limit=5'],
      [() => client.getCatalogItem('a/b', { version: '1.0.0' }), 'GET', '/catalog/a%2Fb?version=1.0.0'],
      [() => client.getCatalogItemVersions('pg'), 'GET', '/catalog/pg/versions'],
      [() => client.listCatalogSources(), 'GET', '/catalog/sources'],
      [() => client.syncCatalogSource('platform'), 'POST', '/catalog/sources/platform/sync'],
      [() => client.deploy(request), 'POST', '/deploy', request],
      [() => client.listDeployments({ team: 'team-a', phase: 'Ready' }), 'GET', '/deployments?team=team-a&phase=Ready'],
      [() => client.getDeployment('d 1'), 'GET', '/deployments/d%201'],
      [() => client.deleteDeployment('d1', { force: true }), 'DELETE', '/deployments/d1?force=true'],
      [() => client.rollbackDeployment('d1', { toRevision: 2 }), 'POST', '/deployments/d1/rollback', { toRevision: 2 }],
      [() => client.validateDependencies({ requests: [request] }), 'POST', '/validate-dependencies', { requests: [request] }],
      [() => client.listDependencies({ team: 'team-a' }), 'GET', '/dependencies?team=team-a'],
      [() => client.getDependencyGraph({ root: 'a/dev/x' }), 'GET', '/dependencies/graph?root=a%2Fdev%2Fx&format=json'],
      [() => client.getImpact('a/dev/x'), 'GET', '/dependencies/impact?ref=a%2Fdev%2Fx'],
      [() => client.listTeams(), 'GET', '/teams'],
      [() => client.getTeamQuotas('team-a'), 'GET', '/teams/team-a/quotas'],
      [() => client.validateForTeam('team-a', request), 'POST', '/teams/team-a/validate', request],
      [() => client.listEngines(), 'GET', '/engines'],
      [() => client.getGitopsStatus(), 'GET', '/gitops/status'],
      [() => client.getGitopsHistory(), 'GET', '/gitops/history'],
      [() => client.triggerGitopsSync({ team: 'team-a' }), 'POST', '/gitops/sync', { team: 'team-a' }],
    ];
    for (const [call, method, path, body] of calls) {
      server.requests = [];
      await call();
      expect(server.requests).toHaveLength(1);
      const [r] = server.requests;
      expect({ method: r.method, url: r.url }).toEqual({ method, url: `/api/nestor${path}` });
      expect(r.headers.authorization).toBe('Bearer tok');
      expect(r.body ? JSON.parse(r.body) : undefined).toEqual(body);
    }
  });

  it('sends the idempotency key and reads text graphs', async () => {
    server.handler = (req, res) => {
      res.writeHead(200, { 'content-type': req.url!.includes('format=dot') ? 'text/plain' : 'application/json' });
      res.end(req.url!.includes('format=dot') ? 'digraph {}' : '{"id":"d1"}');
    };
    const client = new NestorClient({ discoveryApi: { getBaseUrl: async () => server.baseUrl } });
    await client.deploy({ team: 't', environment: 'dev', name: 'n', resource: 'r' }, { idempotencyKey: 'k1' });
    expect(server.requests[0].headers['idempotency-key']).toBe('k1');
    expect(server.requests[0].headers.authorization).toBeUndefined();
    await expect(client.getDependencyGraphText({ format: 'dot' })).resolves.toBe('digraph {}');
  });

  it('throws a ResponseError carrying the backend error body and status', async () => {
    server.handler = (_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { name: 'InputError', message: 'quota exceeded for team-a/dev' },
          request: { method: 'POST', url: '/deploy' },
          response: { statusCode: 422 },
        }),
      );
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const error = await client.deploy({ team: 't', environment: 'dev', name: 'n', resource: 'r' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(422);
    expect(error.body.error.message).toBe('quota exceeded for team-a/dev');
  });

  it('returns the readiness body on 503 instead of throwing', async () => {
    server.handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"status":"down","checks":{"store":{"status":"down"}}}');
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    await expect(client.readiness()).resolves.toEqual({ status: 'down', checks: { store: { status: 'down' } } });
  });

  it('refuses to be built without a base URL or discovery', () => {
    expect(() => new NestorClient({})).toThrow('NestorClient needs a discoveryApi or a baseUrl');
  });
});

describe('NestorClient.subscribe', () => {
  const server = useServer();

  function sse(res: http.ServerResponse, first = '') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(first);
  }

  it('delivers events in order with filters in the query and a bearer token', async () => {
    server.handler = (_req, res) => sse(res, `retry: 50\n\n${frame(event(1))}${frame(event(2))}`);
    const client = new NestorClient({ baseUrl: server.baseUrl, token: 'processor-token' });
    const got: NestorEvent[] = [];
    const sub = client.subscribe({ team: 'team-a', types: ['deployment.phase', 'deployment.failed'] }, e => got.push(e));
    await waitFor(() => got.length === 2, 'two events');
    sub.close();
    expect(got.map(e => e.id)).toEqual([1, 2]);
    expect(sub.lastEventId).toBe('2');
    expect(server.requests[0].url).toBe('/api/nestor/events?team=team-a&types=deployment.phase%2Cdeployment.failed');
    expect(server.requests[0].headers.authorization).toBe('Bearer processor-token');
    expect(server.requests[0].headers.accept).toBe('text/event-stream');
    expect(server.requests[0].headers['last-event-id']).toBeUndefined();
  });

  it('reconnects after a dropped stream with Last-Event-ID and never delivers an id twice', async () => {
    let connection = 0;
    server.handler = (req, res) => {
      connection += 1;
      if (connection === 1) {
        sse(res, `retry: 20\n\n${frame(event(1))}${frame(event(2))}`);
        setTimeout(() => res.destroy(), 20);
      } else {
        // a server that replays one event too many must not cause a duplicate
        const after = Number(req.headers['last-event-id']);
        sse(res, [after, after + 1, after + 2].map(id => frame(event(id))).join(''));
      }
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id));
    await waitFor(() => got.length === 4, 'four events');
    sub.close();
    expect(got).toEqual([1, 2, 3, 4]);
    expect(server.requests[1].headers['last-event-id']).toBe('2');
  });

  it('starts from the given lastEventId', async () => {
    server.handler = (_req, res) => sse(res, frame(event(42)));
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id), { lastEventId: '41' });
    await waitFor(() => got.length === 1, 'one event');
    sub.close();
    expect(server.requests[0].headers['last-event-id']).toBe('41');
  });

  it('reports a reset, moves its position to the latest id and goes on', async () => {
    server.handler = (req, res) =>
      req.headers['last-event-id'] === '3'
        ? sse(res, `id: 90\nevent: reset\ndata: {"reason":"expired","requestedId":3,"oldestId":50,"latestId":90}\n\n${frame(event(91))}`)
        : sse(res);
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const resets: unknown[] = [];
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id), { lastEventId: '3', onReset: info => resets.push(info) });
    await waitFor(() => got.length === 1, 'the event after the reset');
    sub.close();
    expect(resets).toEqual([{ reason: 'expired', requestedId: 3, oldestId: 50, latestId: 90 }]);
    expect(got).toEqual([91]);
    expect(sub.lastEventId).toBe('91');
  });

  it('stops for good on 401 and reports why', async () => {
    server.handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"name":"AuthenticationError","message":"Missing credentials"}}');
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const errors: Error[] = [];
    const sub = client.subscribe({}, () => {}, { retryMs: 10, onError: e => errors.push(e) });
    await waitFor(() => sub.closed, 'the subscription to close');
    await new Promise(r => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as ResponseError).response.status).toBe(401);
  });

  it('keeps retrying on 429 and 503, honouring Retry-After, then connects', async () => {
    let n = 0;
    server.handler = (_req, res) => {
      n += 1;
      if (n === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end('{"error":{"name":"TooManyConnectionsError","message":"too many"}}');
      } else if (n === 2) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('draining');
      } else {
        sse(res, frame(event(1)));
      }
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const statuses: number[] = [];
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id), {
      retryMs: 10,
      onError: e => statuses.push((e as ResponseError).response?.status),
    });
    await waitFor(() => got.length === 1, 'the event after two refusals');
    sub.close();
    expect(statuses).toEqual([429, 503]);
    expect(server.requests).toHaveLength(3);
  });

  it('reconnects when the stream goes silent for longer than idleTimeoutMs', async () => {
    server.handler = (req, res) => sse(res, req.headers['last-event-id'] ? frame(event(2)) : frame(event(1)));
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const errors: string[] = [];
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id), {
      idleTimeoutMs: 100,
      retryMs: 10,
      onError: e => errors.push(e.message),
    });
    await waitFor(() => got.length === 2, 'the event after the idle reconnection');
    sub.close();
    expect(got).toEqual([1, 2]);
    expect(errors[0]).toBe('no data on the event stream for 100 ms');
  });

  it('reports handler errors and bad data without losing the next events', async () => {
    server.handler = (_req, res) => sse(res, `id: 1\nevent: x\ndata: {not json\n\n${frame(event(2))}${frame(event(3))}`);
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const errors: string[] = [];
    const got: number[] = [];
    const sub = client.subscribe(
      {},
      e => {
        got.push(e.id);
        if (e.id === 2) throw new Error('handler broke');
      },
      { onError: e => errors.push(e.message) },
    );
    await waitFor(() => got.length === 2, 'events 2 and 3');
    sub.close();
    expect(got).toEqual([2, 3]);
    expect(errors[0]).toMatch(/^event 1 has data that is not JSON/);
    expect(errors[1]).toBe('handler broke');
  });

  it('refuses an answer that is not an event stream', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const errors: string[] = [];
    const sub = client.subscribe({}, () => {}, { retryMs: 5000, onError: e => errors.push(e.message) });
    await waitFor(() => errors.length === 1, 'an error');
    sub.close();
    expect(errors[0]).toBe('expected text/event-stream, got "text/html"');
  });

  it('stops reconnecting after close', async () => {
    server.handler = (_req, res) => {
      sse(res, frame(event(1)));
      res.end();
    };
    const client = new NestorClient({ baseUrl: server.baseUrl });
    const got: number[] = [];
    const sub = client.subscribe({}, e => got.push(e.id), { retryMs: 20 });
    await waitFor(() => got.length === 1, 'one event');
    sub.close();
    const requests = server.requests.length;
    await new Promise(r => setTimeout(r, 100));
    expect(server.requests.length).toBe(requests);
    expect(sub.closed).toBe(true);
  });
});
