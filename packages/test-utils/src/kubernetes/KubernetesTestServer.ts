import http from 'node:http';
import { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { KubernetesApiError } from './KubernetesApiError';
import { KubernetesJsonObject, KubernetesObjectStore, KubernetesPatchType } from './KubernetesObjectStore';
import {
  BUILTIN_RESOURCE_TYPES,
  KubernetesResourceRegistry,
  KubernetesResourceType,
  formatApiVersion,
  splitApiVersion,
} from './KubernetesResourceRegistry';

/** One request the server answered, for assertions. @public */
export interface KubernetesRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** the bearer token sent, if any */
  token?: string;
  status: number;
}

/** What a hold sees of a request. @public */
export interface KubernetesHeldRequest {
  method: string;
  path: string;
  /** the bearer token sent, if any */
  token?: string;
}

/** A failure the server answers instead of handling matching requests. @public */
export interface KubernetesFailureInjection {
  method?: string;
  /** matched against the request path */
  path?: RegExp;
  status: number;
  /** how many matching requests fail (default 1) */
  times?: number;
  message?: string;
}

const PATCH_TYPES: Record<string, KubernetesPatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

/**
 * An in-process Kubernetes API server for tests. It implements what Nestor
 * uses of the real one, over real HTTP so `@kubernetes/client-node` talks to
 * it unchanged: discovery, create/get/list/watch/replace/patch/delete,
 * server-side apply with field managers and conflicts, `resourceVersion`
 * preconditions, the status subresource, finalizers, namespaces, and
 * custom resource types defined by posting CRDs (whose schemas it enforces).
 * It is not a cluster: nothing reconciles objects unless a test does it,
 * the way a controller would, through {@link KubernetesTestServer.patchStatus}
 * or the HTTP API.
 * @public
 */
export class KubernetesTestServer {
  readonly registry: KubernetesResourceRegistry;
  readonly store: KubernetesObjectStore;
  readonly requests: KubernetesRequestRecord[] = [];
  readonly #server: http.Server;
  readonly #tokens?: Set<string>;
  readonly #holds: Array<{ match: (request: KubernetesHeldRequest) => boolean; released: Promise<void>; held: number }> = [];
  readonly #failures: KubernetesFailureInjection[] = [];
  readonly #watchResponses = new Set<http.ServerResponse>();

  /**
   * Starts a server on a free port of 127.0.0.1. With `token` (or several
   * `tokens`), requests need one of them as a bearer token.
   */
  static async start(
    options: { token?: string; tokens?: string[]; resources?: KubernetesResourceType[]; validate?: boolean } = {},
  ): Promise<KubernetesTestServer> {
    const server = new KubernetesTestServer(options);
    await new Promise<void>(resolve => server.#server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  private constructor(options: { token?: string; tokens?: string[]; resources?: KubernetesResourceType[]; validate?: boolean }) {
    this.registry = new KubernetesResourceRegistry([...BUILTIN_RESOURCE_TYPES, ...(options.resources ?? [])]);
    this.store = new KubernetesObjectStore(this.registry, { validate: options.validate });
    const tokens = [...(options.token ? [options.token] : []), ...(options.tokens ?? [])];
    this.#tokens = tokens.length > 0 ? new Set(tokens) : undefined;
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch(error => this.#fail(req, res, error));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Serves a resource type, as if its CRD had been installed. */
  registerResource(type: KubernetesResourceType): void {
    this.registry.register(type);
  }

  /**
   * Installs a CRD directly (as `kubectl apply` would). Prefer this to
   * creating CRDs through `@kubernetes/client-node`, whose typed serializer
   * drops schema keywords such as `enum`.
   */
  installCrd(crd: Record<string, any>): void {
    this.applyObject(crd as KubernetesJsonObject, 'test-setup');
  }

  /**
   * Holds matching requests without an answer (as a hung API server would)
   * until `release` is called; `held()` counts those caught so far.
   */
  holdRequests(match: (request: KubernetesHeldRequest) => boolean): { release(): void; held(): number } {
    let release!: () => void;
    const hold = { match, released: new Promise<void>(resolve => (release = resolve)), held: 0 };
    this.#holds.push(hold);
    return {
      release: () => {
        this.#holds.splice(this.#holds.indexOf(hold), 1);
        release();
      },
      held: () => hold.held,
    };
  }

  /** Makes the next matching request(s) fail with the given status. */
  injectFailure(failure: KubernetesFailureInjection): void {
    this.#failures.push({ times: 1, ...failure });
  }

  /** The object, or undefined. */
  getObject(apiVersion: string, kind: string, name: string, namespace?: string): KubernetesJsonObject | undefined {
    try {
      return this.store.get(this.#type(apiVersion, kind), namespace, name);
    } catch (error) {
      if (error instanceof KubernetesApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  listObjects(apiVersion: string, kind: string, namespace?: string): KubernetesJsonObject[] {
    return this.store.list(this.#type(apiVersion, kind), namespace).items;
  }

  /** Server-side applies an object, as Argo CD or kubectl would. */
  applyObject(object: KubernetesJsonObject, fieldManager: string, options: { force?: boolean } = {}): KubernetesJsonObject {
    const type = this.#type(object.apiVersion, object.kind);
    return this.store.patch(type, object.metadata.namespace, object.metadata.name, 'apply', object, { fieldManager, force: options.force ?? true });
  }

  /** Merges `status` into the object through the status subresource, as a controller does. */
  patchStatus(
    ref: { apiVersion: string; kind: string; name: string; namespace?: string },
    status: Record<string, unknown>,
    fieldManager = 'test-controller',
  ): KubernetesJsonObject {
    const type = this.#type(ref.apiVersion, ref.kind);
    return this.store.patch(type, ref.namespace, ref.name, 'merge', { status }, { fieldManager, subresource: type.statusSubresource ? 'status' : undefined });
  }

  /** Removes finalizers (so a pending deletion completes), as the owning controller would. */
  removeFinalizers(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): void {
    const type = this.#type(ref.apiVersion, ref.kind);
    this.store.patch(type, ref.namespace, ref.name, 'merge', { metadata: { finalizers: null } }, { fieldManager: 'test-controller' });
  }

  async stop(): Promise<void> {
    for (const hold of [...this.#holds]) hold.match = () => false;
    for (const res of this.#watchResponses) res.end();
    await new Promise<void>((resolve, reject) => {
      this.#server.close(error => (error ? reject(error) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  #type(apiVersion: string, kind: string): KubernetesResourceType {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) throw new KubernetesApiError(404, 'NotFound', `the server could not find the requested resource (${kind} ${apiVersion})`);
    return type;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const record: KubernetesRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      contentType: req.headers['content-type']?.split(';')[0],
      status: 0,
    };
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    record.token = token;
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    if (this.#tokens && !(token && this.#tokens.has(token))) {
      throw new KubernetesApiError(401, 'Unauthorized', 'Unauthorized');
    }
    for (const hold of this.#holds) {
      if (hold.match({ method: record.method, path: url.pathname, token })) {
        hold.held++;
        await hold.released;
      }
    }
    const failure = this.#failures.find(f => (!f.method || f.method === req.method) && (!f.path || f.path.test(url.pathname)));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      throw new KubernetesApiError(failure.status, failure.status >= 500 ? 'InternalError' : 'BadRequest', failure.message ?? 'injected failure');
    }
    const discovery = this.#discovery(url.pathname);
    if (discovery) {
      this.#json(res, 200, discovery);
      return;
    }
    const route = this.#route(url.pathname);
    const body = ['POST', 'PUT', 'PATCH'].includes(req.method ?? '') ? await readBody(req, record.contentType) : undefined;
    const write = { fieldManager: query.fieldManager, subresource: route.subresource, dryRun: query.dryRun === 'All' };
    const { type, namespace, name } = route;
    switch (req.method) {
      case 'GET':
        if (name) this.#json(res, 200, this.store.get(type, namespace, name));
        else if (query.watch === 'true' || query.watch === '1') this.#watch(req, res, type, namespace, query);
        else {
          const list = this.store.list(type, namespace, query);
          this.#json(res, 200, {
            apiVersion: formatApiVersion(type.group, type.version),
            kind: `${type.kind}List`,
            metadata: { resourceVersion: list.resourceVersion },
            items: list.items,
          });
        }
        return;
      case 'POST':
        if (name) throw new KubernetesApiError(405, 'MethodNotAllowed', 'POST to a named object is not allowed');
        this.#json(res, 201, this.store.create(type, namespace, body, write));
        return;
      case 'PUT':
        this.#json(res, 200, this.store.replace(type, namespace, requireName(name), body, write));
        return;
      case 'PATCH': {
        const patchType = PATCH_TYPES[record.contentType ?? ''];
        if (!patchType) throw new KubernetesApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`);
        const existed = patchType === 'apply' && this.getObjectByType(type, namespace, requireName(name)) !== undefined;
        const result = this.store.patch(type, namespace, requireName(name), patchType, body, { ...write, force: query.force === 'true' });
        this.#json(res, patchType === 'apply' && !existed ? 201 : 200, result);
        return;
      }
      case 'DELETE':
        this.#json(res, 200, this.store.delete(type, namespace, requireName(name), { dryRun: write.dryRun }));
        return;
      default:
        throw new KubernetesApiError(405, 'MethodNotAllowed', `method ${req.method} is not allowed`);
    }
  }

  getObjectByType(type: KubernetesResourceType, namespace: string | undefined, name: string): KubernetesJsonObject | undefined {
    try {
      return this.store.get(type, namespace, name);
    } catch {
      return undefined;
    }
  }

  #watch(req: http.IncomingMessage, res: http.ServerResponse, type: KubernetesResourceType, namespace: string | undefined, query: Record<string, string>) {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    this.#watchResponses.add(res);
    let unsubscribe: () => void = () => {};
    try {
      unsubscribe = this.store.watch(type, namespace, query, event => res.write(`${JSON.stringify(event)}\n`));
    } catch (error) {
      const status = error instanceof KubernetesApiError ? error.toStatus() : new KubernetesApiError(500, 'InternalError', String(error)).toStatus();
      res.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      res.end();
      return;
    }
    const timeout = query.timeoutSeconds ? setTimeout(() => res.end(), Number(query.timeoutSeconds) * 1000) : undefined;
    const close = () => {
      unsubscribe();
      clearTimeout(timeout);
      this.#watchResponses.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }

  #discovery(pathname: string): unknown {
    const parts = pathname.split('/').filter(Boolean);
    if (pathname === '/version') return { major: '1', minor: '31', gitVersion: 'v1.31.0-nestor-test-server', platform: 'test' };
    if (parts.length === 1 && parts[0] === 'api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (parts.length === 2 && parts[0] === 'api') return this.#resourceList('', parts[1]);
    if (parts.length === 1 && parts[0] === 'apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: this.registry
          .groupVersions()
          .filter(g => g.group !== '')
          .map(g => this.#group(g.group, g.versions)),
      };
    }
    if (parts.length === 2 && parts[0] === 'apis') {
      const g = this.registry.groupVersions().find(x => x.group === parts[1]);
      if (!g) throw new KubernetesApiError(404, 'NotFound', 'the server could not find the requested resource');
      return this.#group(g.group, g.versions);
    }
    if (parts.length === 3 && parts[0] === 'apis') return this.#resourceList(parts[1], parts[2]);
    return undefined;
  }

  #group(group: string, versions: string[]) {
    const list = versions.map(v => ({ groupVersion: `${group}/${v}`, version: v }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: list, preferredVersion: list[list.length - 1] };
  }

  #resourceList(group: string, version: string) {
    const types = this.registry.typesOf(group, version);
    if (types.length === 0) throw new KubernetesApiError(404, 'NotFound', 'the server could not find the requested resource');
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: formatApiVersion(group, version),
      resources: types.flatMap(t => [
        {
          name: t.plural,
          singularName: t.singular ?? t.kind.toLowerCase(),
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          ...(t.shortNames ? { shortNames: t.shortNames } : {}),
          ...(t.categories ? { categories: t.categories } : {}),
        },
        ...(t.statusSubresource
          ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }]
          : []),
      ]),
    };
  }

  #route(pathname: string): { type: KubernetesResourceType; namespace?: string; name?: string; subresource?: 'status' } {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 3) {
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      throw new KubernetesApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status') {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest;
    const type = this.registry.byPlural(group, version, plural);
    if (!type || rest.length > 3 || (subresource !== undefined && (subresource !== 'status' || !type.statusSubresource))) {
      throw new KubernetesApiError(404, 'NotFound', `the server could not find the requested resource (${pathname})`);
    }
    if (type.namespaced && name !== undefined && namespace === undefined) {
      throw new KubernetesApiError(404, 'NotFound', `the server could not find the requested resource (${pathname})`);
    }
    return { type, namespace, name, subresource: subresource as 'status' | undefined };
  }

  #json(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  #fail(_req: http.IncomingMessage, res: http.ServerResponse, error: unknown) {
    const apiError =
      error instanceof KubernetesApiError ? error : new KubernetesApiError(500, 'InternalError', `internal error: ${(error as Error)?.message ?? error}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    this.#json(res, apiError.code, apiError.toStatus());
  }
}

function requireName(name: string | undefined): string {
  if (!name) throw new KubernetesApiError(405, 'MethodNotAllowed', 'this method needs an object name in the path');
  return name;
}

async function readBody(req: http.IncomingMessage, contentType: string | undefined): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw KubernetesApiError.badRequest('the request body is empty');
  try {
    return contentType?.endsWith('yaml') ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw KubernetesApiError.badRequest(`the request body is not valid ${contentType?.endsWith('yaml') ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
}

export { splitApiVersion };
