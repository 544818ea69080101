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
import { EventSubscription } from './EventSubscription';

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
  /** The id of the last event delivered (what a reconnection resumes after). */
  readonly lastEventId: string | undefined;
  /** True once closed, by {@link NestorSubscription.close} or by an error that retrying cannot fix. */
  readonly closed: boolean;
  close(): void;
}

/** Options of {@link NestorClient.subscribe}. @public */
export interface SubscribeOptions {
  /** Resume after this event id. */
  lastEventId?: string;
  /**
   * First reconnection delay in ms, 1000 by default; the server's `retry:` hint
   * replaces it. The delay doubles after each failed attempt up to `maxRetryMs`.
   */
  retryMs?: number;
  /** Longest reconnection delay in ms, 30000 by default. */
  maxRetryMs?: number;
  /**
   * Reconnects when nothing (not even a heartbeat comment) arrives for this
   * long, which catches half-open connections. 60000 by default; 0 disables it.
   */
  idleTimeoutMs?: number;
  /** Called when the server says the requested id is older than its retention: resynchronise through REST. */
  onReset?: (info: EventStreamReset) => void;
  /** Connection and handler errors; the subscription keeps retrying unless `closed` became true. */
  onError?: (error: Error) => void;
  onOpen?: () => void;
}

/** What `event: reset` carries. @public */
export interface EventStreamReset {
  reason?: string;
  requestedId?: number;
  oldestId?: number;
  latestId?: number;
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
   * Events arrive in id order; `onEvent` errors are reported to `onError` and
   * do not stop the stream.
   */
  subscribe(
    filters: EventFilters,
    onEvent: (event: NestorEvent) => void,
    options: SubscribeOptions = {},
  ): NestorSubscription {
    return EventSubscription.start({
      connect: async (lastEventId, signal) => {
        const headers: Record<string, string> = { Accept: 'text/event-stream', ...(await this.#authHeaders()) };
        if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
        const query = toQueryString({ team: filters.team, types: filters.types?.join(',') });
        return this.#fetch(`${await this.#baseUrl()}/events${query}`, { headers, signal, cache: 'no-store' });
      },
      onEvent,
      options,
    });
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
