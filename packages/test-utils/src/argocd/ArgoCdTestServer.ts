import http from 'node:http';
import { AddressInfo } from 'node:net';

/** An Application the test server holds (Argo CD's `v1alpha1Application` shape). @public */
export interface ArgoCdTestApplication {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; resourceVersion: string; creationTimestamp: string };
  spec: Record<string, unknown>;
  status: {
    sync: { status: string; revision?: string };
    health: { status: string; message?: string };
    operationState?: { phase: string; message?: string; startedAt: string; operation: { sync: { revision?: string; prune?: boolean } } };
    resources?: Array<Record<string, unknown>>;
  };
}

/**
 * An in-process stand-in for the Argo CD REST endpoints Nestor's client uses
 * (no Argo CD runs on these machines): `GET/POST /api/v1/applications`
 * (list with `selector`, create, `upsert`), `GET /api/v1/applications/{name}`,
 * `POST /api/v1/applications/{name}/sync`, `GET .../resource-tree`. Bearer
 * tokens are checked. A sync records the operation and leaves the app
 * `OutOfSync`/`Progressing`; the test decides the outcome with `setStatus`
 * (as Argo CD's controller would) or `autoComplete` (Synced/Healthy at once).
 * Every answer can be checked against Argo CD's swagger (`onResponse`).
 * @public
 */
export class ArgoCdTestServer {
  readonly url: string;
  readonly apps = new Map<string, ArgoCdTestApplication>();
  /** every request answered, with its headers (e.g. the W3C `traceparent` a client sent) */
  readonly requests: Array<{ method: string; path: string; status: number; body?: unknown; headers: http.IncomingHttpHeaders }> = [];
  /** statuses to answer the next requests with (e.g. 503) */
  readonly failNext: number[] = [];
  /** when set, a sync ends Synced/Healthy at once */
  autoComplete = false;
  /** resource trees per app name */
  readonly trees = new Map<string, Array<Record<string, unknown>>>();
  /** called with each successful answer and the swagger definition it claims to be */
  onResponse?: (definition: string, body: unknown) => void;
  readonly #server: http.Server;
  readonly #token: string;
  #version = 1;

  static async start(options: { token: string }): Promise<ArgoCdTestServer> {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
    return new ArgoCdTestServer(server, options.token);
  }

  private constructor(server: http.Server, token: string) {
    this.#server = server;
    this.#token = token;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (req, res) => {
      let raw = '';
      req.on('data', chunk => (raw += chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', this.url);
        let answer: { status: number; body: unknown; definition?: string };
        try {
          answer = this.#answer(req, url, raw ? JSON.parse(raw) : undefined);
        } catch (error) {
          answer = { status: 400, body: { error: String(error), code: 3, message: String(error) } };
        }
        if (answer.status === 200 && answer.definition) this.onResponse?.(answer.definition, answer.body);
        this.requests.push({ method: req.method ?? 'GET', path: url.pathname, status: answer.status, body: raw ? JSON.parse(raw) : undefined, headers: req.headers });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
  }

  /** Sets what the controller reports for an app. */
  setStatus(name: string, status: { sync?: string; health?: string; message?: string; revision?: string }): void {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no application ${name}`);
    if (status.sync) app.status.sync = { ...app.status.sync, status: status.sync, ...(status.revision ? { revision: status.revision } : {}) };
    if (status.health) app.status.health = { status: status.health, ...(status.message ? { message: status.message } : {}) };
    if (app.status.operationState && status.sync) app.status.operationState.phase = status.health === 'Degraded' ? 'Failed' : 'Succeeded';
    this.#bump(app);
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #answer(req: http.IncomingMessage, url: URL, body: any): { status: number; body: unknown; definition?: string } {
    const forced = this.failNext.shift();
    if (forced) return { status: forced, body: { error: 'forced', code: 14, message: `forced ${forced}` } };
    if (req.headers.authorization !== `Bearer ${this.#token}`) {
      return { status: 401, body: { error: 'invalid session', code: 16, message: 'invalid session: token is invalid' } };
    }
    const notFound = (name: string) => ({ status: 404, body: { error: `applications.argoproj.io "${name}" not found`, code: 5, message: `applications.argoproj.io "${name}" not found` } });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'applications') return { status: 404, body: { error: 'Not Found', code: 5, message: 'Not Found' } };
    const [name, sub] = [parts[3], parts[4]];
    if (!name && req.method === 'GET') {
      const selector = url.searchParams.get('selector');
      const wanted = selector ? selector.split(',').map(s => s.split('=')) : [];
      const items = [...this.apps.values()].filter(a => wanted.every(([k, v]) => a.metadata.labels?.[k] === v));
      return { status: 200, body: { metadata: { resourceVersion: String(this.#version) }, items }, definition: 'v1alpha1ApplicationList' };
    }
    if (!name && req.method === 'POST') {
      const appName = body?.metadata?.name;
      if (!appName || !body?.spec) return { status: 400, body: { error: 'metadata.name and spec are required', code: 3, message: 'metadata.name and spec are required' } };
      const existing = this.apps.get(appName);
      if (existing && JSON.stringify(existing.spec) !== JSON.stringify(body.spec) && url.searchParams.get('upsert') !== 'true') {
        return { status: 400, body: { error: 'existing application spec is different, use upsert flag to force update', code: 3, message: 'existing application spec is different, use upsert flag to force update' } };
      }
      const app: ArgoCdTestApplication = existing ?? {
        metadata: { name: appName, namespace: body.metadata.namespace ?? 'argocd', resourceVersion: '0', creationTimestamp: new Date().toISOString() },
        spec: {},
        status: { sync: { status: 'OutOfSync' }, health: { status: 'Missing' } },
      };
      app.spec = body.spec;
      app.metadata.labels = body.metadata.labels;
      this.apps.set(appName, app);
      this.#bump(app);
      return { status: 200, body: app, definition: 'v1alpha1Application' };
    }
    const app = name ? this.apps.get(name) : undefined;
    if (!app) return notFound(name ?? '');
    if (!sub && req.method === 'GET') return { status: 200, body: app, definition: 'v1alpha1Application' };
    if (sub === 'sync' && req.method === 'POST') {
      app.status.operationState = {
        phase: 'Running',
        startedAt: new Date().toISOString(),
        operation: { sync: { revision: body?.revision, prune: body?.prune } },
      };
      if (this.autoComplete) {
        app.status.sync = { status: 'Synced', revision: body?.revision };
        app.status.health = { status: 'Healthy' };
        app.status.operationState.phase = 'Succeeded';
      } else {
        app.status.sync = { ...app.status.sync, status: 'OutOfSync' };
        app.status.health = { status: 'Progressing' };
      }
      this.#bump(app);
      return { status: 200, body: app, definition: 'v1alpha1Application' };
    }
    if (sub === 'resource-tree' && req.method === 'GET') {
      return { status: 200, body: { nodes: this.trees.get(app.metadata.name) ?? [] }, definition: 'v1alpha1ApplicationTree' };
    }
    return { status: 405, body: { error: 'Method Not Allowed', code: 12, message: 'Method Not Allowed' } };
  }

  #bump(app: ArgoCdTestApplication) {
    app.metadata.resourceVersion = String(++this.#version);
  }
}
