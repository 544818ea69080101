import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { KubernetesApi, KubernetesObject, KubernetesObjectRef, TransientEngineError } from '@nestor/plugin-nestor-node';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { ExternalDependency } from '../resilience/unavailableDependency';

/** One entry of `nestor.kubernetes.clusters`. @public */
export interface KubernetesClusterConfig {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify?: boolean;
}

/** The field manager Nestor applies with. @public */
export const NESTOR_FIELD_MANAGER = 'nestor';

/**
 * {@link KubernetesApi} on one cluster, through `@kubernetes/client-node`:
 * reads, server-side apply (field manager `nestor`) and deletes. Server
 * errors (5xx, 429), network failures and kinds the API server does not
 * serve yet (a CRD still being established) are {@link TransientEngineError}s,
 * so the coordinator retries them; other 4xx answers are not. Every call
 * is a `nestor.kubernetes.<operation>` span through the cluster's circuit
 * breaker ({@link CircuitBreakers}): an API server that keeps failing is
 * left alone for a while, and calls fail at once with a transient error.
 * @public
 */
export class KubernetesClusterClient implements KubernetesApi {
  readonly cluster: string;
  readonly #api: KubernetesObjectApi;
  readonly #knownNamespaces = new Set<string>();
  readonly #breakers: CircuitBreakers;
  readonly #dependency: ExternalDependency;

  static create(config: KubernetesClusterConfig, options: { breakers?: CircuitBreakers } = {}): KubernetesClusterClient {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: config.name, server: config.url, caData: config.caData, skipTLSVerify: config.skipTLSVerify ?? false }],
      users: [{ name: 'nestor', token: config.serviceAccountToken }],
      contexts: [{ name: config.name, cluster: config.name, user: 'nestor' }],
      currentContext: config.name,
    });
    return new KubernetesClusterClient(config.name, KubernetesObjectApi.makeApiClient(kc), options.breakers ?? CircuitBreakers.create());
  }

  private constructor(cluster: string, api: KubernetesObjectApi, breakers: CircuitBreakers) {
    this.cluster = cluster;
    this.#api = api;
    this.#breakers = breakers;
    this.#dependency = { system: 'kubernetes', target: cluster };
  }

  async get(ref: KubernetesObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return (await this.#call('get', ref, () =>
        this.#api.read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        }),
      )) as unknown as KubernetesObject;
    } catch (error) {
      // a kind the server does not serve has no objects (yet): its CRD may still be coming through GitOps
      if (statusOf(error) === 404 || isUnservedKind(error)) return undefined;
      throw this.#wrap(error, `read ${describe(ref)}`);
    }
  }

  async apply(objects: KubernetesObject[], options: { force?: boolean } = {}): Promise<KubernetesObject[]> {
    const applied: KubernetesObject[] = [];
    for (const object of objects) {
      const namespace = object.metadata.namespace;
      if (namespace && !this.#knownNamespaces.has(namespace)) {
        await this.#patch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, options);
        this.#knownNamespaces.add(namespace);
      }
      applied.push(await this.#patch(object, options));
    }
    return applied;
  }

  async delete(ref: KubernetesObjectRef): Promise<boolean> {
    try {
      await this.#call('delete', ref, () =>
        this.#api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 404 || isUnservedKind(error)) return false;
      throw this.#wrap(error, `delete ${describe(ref)}`);
    }
  }

  /** Throws when the API server cannot be reached. */
  async ping(): Promise<void> {
    try {
      await this.#breakers.call(this.#dependency, 'ping', () =>
        this.#api.list('v1', 'Namespace', undefined, undefined, undefined, undefined, undefined, undefined, 1),
      );
    } catch (error) {
      throw this.#wrap(error, 'list namespaces');
    }
  }

  async #patch(object: KubernetesObject, options: { force?: boolean }): Promise<KubernetesObject> {
    const ref = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
    try {
      return (await this.#call('apply', ref, () =>
        this.#api.patch(object as any, undefined, undefined, NESTOR_FIELD_MANAGER, options.force ?? true, PatchStrategy.ServerSideApply),
      )) as unknown as KubernetesObject;
    } catch (error) {
      throw this.#wrap(error, `apply ${describe(ref)}`);
    }
  }

  #call<T>(operation: string, ref: KubernetesObjectRef, fn: () => Promise<T>): Promise<T> {
    return this.#breakers.call(this.#dependency, operation, fn, {
      attributes: { 'k8s.resource.kind': ref.kind, 'k8s.namespace.name': ref.namespace ?? '', 'k8s.resource.name': ref.name },
    });
  }

  #wrap(error: unknown, action: string): Error {
    const detail = messageOf(error);
    // a kind the server does not serve (yet): its CRD may still be on its way
    const discovery = isUnservedKind(error);
    const status = discovery ? undefined : statusOf(error);
    const message = `cluster ${this.cluster}: ${action} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`;
    // no status: the server was unreachable, or discovery failed
    const transient = status === undefined || status >= 500 || status === 429 || status === 409;
    const wrapped = transient ? new TransientEngineError(message) : new Error(message);
    (wrapped as Error & { statusCode?: number; cause?: unknown }).cause = error;
    if (status) (wrapped as Error & { statusCode?: number }).statusCode = status;
    return wrapped;
  }
}

/** Discovery found no such kind: its group/version is not served, or the kind is not in it. */
function isUnservedKind(error: unknown): boolean {
  const message = String((error as Error)?.message);
  return /Unrecognized API version and kind/.test(message) || /Failed to fetch resource metadata[\s\S]*HTTP-Code: 404/.test(message);
}

function describe(ref: KubernetesObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} (${ref.apiVersion})`;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body);
      if (parsed?.message) return String(parsed.message);
    } catch {
      // not JSON: fall through to the error's own message
    }
  }
  return String((error as Error)?.message ?? error).split('\n')[0];
}
