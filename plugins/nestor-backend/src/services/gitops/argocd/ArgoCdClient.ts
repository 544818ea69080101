import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IPolicy,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { classifyError } from '../../deployments/classifyError';
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

/**
 * A client of one Argo CD instance's REST API (`/api/v1/applications...`,
 * see Argo CD's swagger): get, create or update (upsert) an Application,
 * trigger a sync, read the resource tree. Every call goes through a retry
 * with exponential backoff (transient failures: network, 5xx, 429) inside a
 * circuit breaker (5 consecutive failures open it for `halfOpenAfterMs`);
 * while it is open, calls fail at once with a transient error.
 * @public
 */
export class ArgoCdClient {
  readonly config: ArgoCdInstanceConfig;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #policy: IPolicy;

  static create(config: ArgoCdInstanceConfig, options: { retries?: number; backoffMs?: number; halfOpenAfterMs?: number } = {}): ArgoCdClient {
    return new ArgoCdClient(config, options);
  }

  private constructor(config: ArgoCdInstanceConfig, options: { retries?: number; backoffMs?: number; halfOpenAfterMs?: number }) {
    this.config = config;
    const transient = handleWhen(error => classifyError(error).transient);
    this.#breaker = circuitBreaker(transient, { halfOpenAfter: options.halfOpenAfterMs ?? 30_000, breaker: new ConsecutiveBreaker(5) });
    const retries = retry(transient, {
      maxAttempts: options.retries ?? 2,
      backoff: new ExponentialBackoff({ initialDelay: options.backoffMs ?? 200, maxDelay: 5_000 }),
    });
    this.#policy = wrap(retries, this.#breaker);
  }

  /** Whether the breaker is open (calls are refused without reaching Argo CD). */
  get circuitOpen(): boolean {
    return this.#breaker.state === CircuitState.Open || this.#breaker.state === CircuitState.Isolated;
  }

  async getApplication(name: string): Promise<ArgoCdApplication | undefined> {
    try {
      return await this.#call<ArgoCdApplication>('GET', `/api/v1/applications/${encodeURIComponent(name)}${this.#appNamespace('?')}`);
    } catch (error) {
      if (error instanceof ArgoCdApiError && (error.statusCode === 404 || error.statusCode === 403)) return undefined;
      throw error;
    }
  }

  /** Creates the Application, or updates its spec when it exists (`upsert=true`). */
  async upsertApplication(app: ArgoCdApplication): Promise<ArgoCdApplication> {
    const body = { ...app, metadata: { ...app.metadata, ...(this.config.namespace ? { namespace: this.config.namespace } : {}) } };
    return this.#call('POST', '/api/v1/applications?upsert=true', body);
  }

  async sync(name: string, options: { revision?: string; prune?: boolean } = {}): Promise<ArgoCdApplication> {
    return this.#call('POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, {
      name,
      ...(this.config.namespace ? { appNamespace: this.config.namespace } : {}),
      ...(options.revision ? { revision: options.revision } : {}),
      prune: options.prune ?? true,
    });
  }

  async resourceTree(name: string): Promise<ArgoCdResourceNode[]> {
    const tree = await this.#call<{ nodes?: ArgoCdResourceNode[] }>('GET', `/api/v1/applications/${encodeURIComponent(name)}/resource-tree${this.#appNamespace('?')}`);
    return tree.nodes ?? [];
  }

  async listApplications(selector: string): Promise<ArgoCdApplication[]> {
    const list = await this.#call<{ items?: ArgoCdApplication[] | null }>(
      'GET',
      `/api/v1/applications?selector=${encodeURIComponent(selector)}${this.#appNamespace('&')}`,
    );
    return list.items ?? [];
  }

  #appNamespace(separator: string): string {
    return this.config.namespace ? `${separator}appNamespace=${encodeURIComponent(this.config.namespace)}` : '';
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.#policy.execute(() => this.#request<T>(method, path, body));
    } catch (error) {
      if (error instanceof BrokenCircuitError || (error as Error)?.name === 'BrokenCircuitError') {
        throw new TransientEngineError(`Argo CD ${this.config.name} is not answering (circuit open after repeated failures)`);
      }
      throw error;
    }
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.config.url.replace(/\/$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.config.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
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
