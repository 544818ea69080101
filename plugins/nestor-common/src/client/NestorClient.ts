import { ResponseError } from '@backstage/errors';
import {
  CatalogListResponse,
  CatalogQuery,
  CatalogSourcesResponse,
  CatalogVersionsResponse,
  DependenciesResponse,
  DependencyGraphResponse,
  DeploymentListResponse,
  DeploymentQuery,
  DeploymentVerdict,
  EnginesResponse,
  EventFilters,
  ImpactResponse,
  QuotasResponse,
  ReadinessResponse,
  RollbackRequest,
  TeamsResponse,
  ValidateDependenciesRequest,
  ValidateDependenciesResponse,
} from '../api/types';
import { CatalogItem } from '../models/CatalogItem';
import { Deployment } from '../models/Deployment';
import { DeploymentRequestInput } from '../models/DeploymentRequest';
import { NestorEvent } from '../models/NestorEvent';
import { EventStreamParser } from './parseEventStream';

/** How the client finds the backend and sends requests. @public */
export interface NestorClientOptions {
  /** Backstage's discovery API, or anything with `getBaseUrl('nestor')`. */
  discoveryApi?: { getBaseUrl(pluginId: string): Promise<string> };
  /** The base URL of the Nestor API, e.g. `http://localhost:7007/api/nestor`. */
  baseUrl?: string;
  /** Backstage's fetch API (adds credentials in the browser), or any fetch. */
  fetchApi?: { fetch: typeof fetch };
  /** A bearer token (processors: a Backstage external access token). */
  token?: string | (() => Promise<string | undefined>);
}

/** A live subscription. @public */
export interface NestorSubscription {
  /** The id of the last event delivered. */
  readonly lastEventId: string | undefined;
  close(): void;
}

/** Options of {@link NestorClient.subscribe}. @public */
export interface SubscribeOptions {
  /** Resume after this event id. */
  lastEventId?: string;
  /** First reconnection delay in ms (doubles up to `maxRetryMs`); the server's `retry:` hint wins. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Called when the server says the requested id is older than its retention. */
  onReset?: (info: { oldestId?: number; latestId?: number }) => void;
  onError?: (error: Error) => void;
  onOpen?: () => void;
}

/**
 * A typed client for the Nestor REST and SSE API; works in Node and browsers.
 * @public
 */
export class NestorClient {
  readonly #options: NestorClientOptions;

  constructor(options: NestorClientOptions) {
    if (!options.discoveryApi && !options.baseUrl) {
      throw new TypeError('NestorClient needs a discoveryApi or a baseUrl');
    }
    this.#options = options;
  }

  async health(): Promise<{ status: string }> {
    return this.#get('/health');
  }

  async readiness(): Promise<ReadinessResponse> {
    return this.#request('GET', '/health/ready', undefined, { acceptStatuses: [503] });
  }

  async listCatalog(query: CatalogQuery = {}): Promise<CatalogListResponse> {
    return this.#get('/catalog', { ...query });
  }

  async getCatalogItem(name: string, options: { version?: string } = {}): Promise<CatalogItem> {
    return this.#get(`/catalog/${encodeURIComponent(name)}`, options);
  }

  async getCatalogItemVersions(name: string): Promise<CatalogVersionsResponse> {
    return this.#get(`/catalog/${encodeURIComponent(name)}/versions`);
  }

  async listCatalogSources(): Promise<CatalogSourcesResponse> {
    return this.#get('/catalog/sources');
  }

  async syncCatalogSource(id: string): Promise<void> {
    await this.#request('POST', `/catalog/sources/${encodeURIComponent(id)}/sync`);
  }

  async deploy(request: DeploymentRequestInput, options: { idempotencyKey?: string } = {}): Promise<Deployment> {
    return this.#request('POST', '/deploy', request, {
      headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined,
    });
  }

  async listDeployments(query: DeploymentQuery = {}): Promise<DeploymentListResponse> {
    return this.#get('/deployments', { ...query });
  }

  async getDeployment(id: string): Promise<Deployment> {
    return this.#get(`/deployments/${encodeURIComponent(id)}`);
  }

  async deleteDeployment(id: string, options: { force?: boolean } = {}): Promise<Deployment> {
    return this.#request('DELETE', `/deployments/${encodeURIComponent(id)}${options.force ? '?force=true' : ''}`);
  }

  async rollbackDeployment(id: string, body: RollbackRequest = {}): Promise<Deployment> {
    return this.#request('POST', `/deployments/${encodeURIComponent(id)}/rollback`, body);
  }

  async validateDependencies(body: ValidateDependenciesRequest): Promise<ValidateDependenciesResponse> {
    return this.#request('POST', '/validate-dependencies', body);
  }

  async listDependencies(query: { team?: string } = {}): Promise<DependenciesResponse> {
    return this.#get('/dependencies', query);
  }

  async getDependencyGraph(query: { team?: string; root?: string } = {}): Promise<DependencyGraphResponse> {
    return this.#get('/dependencies/graph', { ...query, format: 'json' });
  }

  async getDependencyGraphText(query: { team?: string; root?: string; format: 'dot' | 'mermaid' }): Promise<string> {
    return this.#request('GET', `/dependencies/graph${toQueryString(query)}`, undefined, { text: true });
  }

  async getImpact(ref: string): Promise<ImpactResponse> {
    return this.#get('/dependencies/impact', { ref });
  }

  async listTeams(): Promise<TeamsResponse> {
    return this.#get('/teams');
  }

  async getTeamQuotas(team: string): Promise<QuotasResponse> {
    return this.#get(`/teams/${encodeURIComponent(team)}/quotas`);
  }

  async validateForTeam(team: string, request: DeploymentRequestInput): Promise<DeploymentVerdict> {
    return this.#request('POST', `/teams/${encodeURIComponent(team)}/validate`, request);
  }

  async listEngines(): Promise<EnginesResponse> {
    return this.#get('/engines');
  }

  async getGitopsStatus(): Promise<unknown> {
    return this.#get('/gitops/status');
  }

  async getGitopsHistory(): Promise<unknown> {
    return this.#get('/gitops/history');
  }

  async triggerGitopsSync(body: { team?: string; app?: string }): Promise<unknown> {
    return this.#request('POST', '/gitops/sync', body);
  }

  /**
   * Subscribes to `GET /events`, reconnecting with backoff and resuming with
   * `Last-Event-ID`, so no event is lost or repeated across reconnections.
   */
  subscribe(
    filters: EventFilters,
    onEvent: (event: NestorEvent) => void,
    options: SubscribeOptions = {},
  ): NestorSubscription {
    const controller = new AbortController();
    let lastEventId = options.lastEventId;
    let closed = false;
    const baseRetry = options.retryMs ?? 1000;
    const maxRetry = options.maxRetryMs ?? 30000;
    let retry = baseRetry;
    let serverRetry: number | undefined;

    const run = async () => {
      while (!closed) {
        try {
          const headers: Record<string, string> = { Accept: 'text/event-stream', ...(await this.#authHeaders()) };
          if (lastEventId) headers['Last-Event-ID'] = lastEventId;
          const url = `${await this.#baseUrl()}/events${toQueryString({
            team: filters.team,
            types: filters.types?.join(','),
          })}`;
          const response = await this.#fetch(url, { headers, signal: controller.signal });
          if (!response.ok) {
            throw await ResponseError.fromResponse(response as any);
          }
          if (!response.body) throw new Error('event stream has no body');
          options.onOpen?.();
          retry = baseRetry;
          const parser = new EventStreamParser(message => {
            if (message.retry !== undefined) serverRetry = message.retry;
            if (message.event === 'reset') {
              const info = message.data ? JSON.parse(message.data) : {};
              lastEventId = info.latestId !== undefined ? String(info.latestId) : lastEventId;
              options.onReset?.(info);
              return;
            }
            if (!message.data) return;
            const event = JSON.parse(message.data) as NestorEvent;
            if (message.id) lastEventId = message.id;
            onEvent(event);
          });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
        } catch (error) {
          if (closed) return;
          options.onError?.(error as Error);
          if ((error as ResponseError).response?.status === 401 || (error as ResponseError).response?.status === 403) {
            closed = true;
            return;
          }
        }
        if (closed) return;
        const delay = serverRetry ?? retry;
        retry = Math.min(retry * 2, maxRetry);
        await new Promise(resolve => setTimeout(resolve, delay * (0.8 + Math.random() * 0.4)));
      }
    };
    void run();
    return {
      get lastEventId() {
        return lastEventId;
      },
      close() {
        closed = true;
        controller.abort();
      },
    };
  }

  async #get<T>(path: string, query?: Record<string, unknown>): Promise<T> {
    return this.#request('GET', `${path}${toQueryString(query ?? {})}`);
  }

  async #request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; text?: boolean; acceptStatuses?: number[] } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { ...(await this.#authHeaders()), ...(options.headers ?? {}) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.#fetch(`${await this.#baseUrl()}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok && !options.acceptStatuses?.includes(response.status)) {
      throw await ResponseError.fromResponse(response as any);
    }
    if (options.text) return (await response.text()) as T;
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async #baseUrl(): Promise<string> {
    const base = this.#options.baseUrl ?? (await this.#options.discoveryApi!.getBaseUrl('nestor'));
    return base.replace(/\/$/, '');
  }

  async #authHeaders(): Promise<Record<string, string>> {
    const t = this.#options.token;
    const token = typeof t === 'function' ? await t() : t;
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  #fetch(url: string, init: RequestInit): Promise<Response> {
    const f = this.#options.fetchApi?.fetch ?? globalThis.fetch;
    return f(url, init);
  }
}

function toQueryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
