import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { withTraceHeaders } from '../../../observability/withSpan';
import { CircuitBreakers } from '../../resilience/CircuitBreakers';
import { ExternalDependency } from '../../resilience/unavailableDependency';
import { ArgoCdApplication, ArgoCdInstanceConfig, ArgoCdResourceNode } from './types';

/** An Argo CD answer that is not a success. @public */
export class ArgoCdApiError extends Error {
  readonly statusCode: number;
  constructor(message: string, statusCode: number) {
    super(message);
    this.name = 'ArgoCdApiError';
    this.statusCode = statusCode;
  }
}

/** Options of {@link ArgoCdClient.create}. @public */
export interface ArgoCdClientOptions {
  /** retries of an outage (network error, 5xx, 429) within one call; default 2 */
  retries?: number;
  backoffMs?: number;
  /** the breakers this instance's breaker lives in (the plugin shares one set); a set of its own by default */
  breakers?: CircuitBreakers;
  /** for a set of its own: how long the breaker stays open */
  halfOpenAfterMs?: number;
}

/**
 * A client of one Argo CD instance's REST API (`/api/v1/applications...`,
 * see Argo CD's swagger): get, create or update (upsert) an Application,
 * trigger a sync, read the resource tree. Every call is a client span
 * `nestor.argocd.<operation>` carrying the W3C trace context (`traceparent`)
 * to Argo CD, retried with exponential backoff on outages (network, 5xx,
 * 429), through the instance's circuit breaker ({@link CircuitBreakers});
 * while it is open, calls fail at once with a transient error.
 * @public
 */
export class ArgoCdClient {
  readonly config: ArgoCdInstanceConfig;
  readonly #breakers: CircuitBreakers;
  readonly #dependency: ExternalDependency;
  readonly #retries: number;
  readonly #backoffMs: number;

  static create(config: ArgoCdInstanceConfig, options: ArgoCdClientOptions = {}): ArgoCdClient {
    return new ArgoCdClient(config, options);
  }

  private constructor(config: ArgoCdInstanceConfig, options: ArgoCdClientOptions) {
    this.config = config;
    this.#breakers =
      options.breakers ?? CircuitBreakers.create({ settings: options.halfOpenAfterMs ? { halfOpenAfterMs: options.halfOpenAfterMs } : {} });
    this.#dependency = { system: 'argocd', target: config.name };
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 200;
  }

  /** Whether the breaker is open (calls are refused without reaching Argo CD). */
  get circuitOpen(): boolean {
    return this.#breakers.state(this.#dependency) === 'open';
  }

  /** Throws when the instance does not answer, or refuses the token (a list that matches nothing). */
  async ping(): Promise<void> {
    await this.#call('ping', 'GET', `/api/v1/applications?selector=${encodeURIComponent('nestor.io/readiness=probe')}${this.#appNamespace('&')}`);
  }

  async getApplication(name: string): Promise<ArgoCdApplication | undefined> {
    try {
      return await this.#call<ArgoCdApplication>('get-application', 'GET', `/api/v1/applications/${encodeURIComponent(name)}${this.#appNamespace('?')}`);
    } catch (error) {
      if (error instanceof ArgoCdApiError && (error.statusCode === 404 || error.statusCode === 403)) return undefined;
      throw error;
    }
  }

  /** Creates the Application, or updates its spec when it exists (`upsert=true`). */
  async upsertApplication(app: ArgoCdApplication): Promise<ArgoCdApplication> {
    const body = { ...app, metadata: { ...app.metadata, ...(this.config.namespace ? { namespace: this.config.namespace } : {}) } };
    return this.#call('upsert-application', 'POST', '/api/v1/applications?upsert=true', body);
  }

  async sync(name: string, options: { revision?: string; prune?: boolean } = {}): Promise<ArgoCdApplication> {
    return this.#call('sync', 'POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, {
      name,
      ...(this.config.namespace ? { appNamespace: this.config.namespace } : {}),
      ...(options.revision ? { revision: options.revision } : {}),
      prune: options.prune ?? true,
    });
  }

  async resourceTree(name: string): Promise<ArgoCdResourceNode[]> {
    const tree = await this.#call<{ nodes?: ArgoCdResourceNode[] }>('resource-tree', 'GET', `/api/v1/applications/${encodeURIComponent(name)}/resource-tree${this.#appNamespace('?')}`);
    return tree.nodes ?? [];
  }

  async listApplications(selector: string): Promise<ArgoCdApplication[]> {
    const list = await this.#call<{ items?: ArgoCdApplication[] | null }>(
      'list-applications',
      'GET',
      `/api/v1/applications?selector=${encodeURIComponent(selector)}${this.#appNamespace('&')}`,
    );
    return list.items ?? [];
  }

  #appNamespace(separator: string): string {
    return this.config.namespace ? `${separator}appNamespace=${encodeURIComponent(this.config.namespace)}` : '';
  }

  async #call<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    return this.#breakers.call(this.#dependency, operation, signal => this.#request<T>(method, path, body, signal), {
      retries: this.#retries,
      backoffMs: this.#backoffMs,
      attributes: { 'http.request.method': method, 'url.path': path.split('?')[0] },
    });
  }

  async #request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const url = `${this.config.url.replace(/\/$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: withTraceHeaders({
          authorization: `Bearer ${this.config.token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        }),
        body: body ? JSON.stringify(body) : undefined,
        signal,
      });
    } catch (error) {
      throw Object.assign(new TransientEngineError(`Argo CD ${this.config.name}: ${method} ${path} failed: ${(error as Error).message}`), { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 300);
      try {
        detail = (JSON.parse(text) as { message?: string; error?: string }).message ?? detail;
      } catch {
        // plain text answer
      }
      const message = `Argo CD ${this.config.name}: ${method} ${path.split('?')[0]} answered ${response.status}: ${detail}`;
      if (response.status >= 500 || response.status === 429) throw Object.assign(new TransientEngineError(message), { statusCode: response.status });
      throw new ArgoCdApiError(message, response.status);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}
