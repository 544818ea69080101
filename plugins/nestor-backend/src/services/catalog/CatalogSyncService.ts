import os from 'node:os';
import path from 'node:path';
import { LoggerService, RootConfigService, SchedulerService, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { SourceStatus } from '@nestor/plugin-nestor-common';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { NestorSourceConfig } from '../../config/readNestorConfig';
import { NestorEventPublisher } from '../events/types';
import { PolicySetValidator } from '../policies/types';
import { DEFAULT_PARSE_LIMITS, ParseLimits } from './parsing/parseSourceFile';
import { CliGitClient } from './sources/CliGitClient';
import { GitCredentialsResolver } from './sources/GitCredentialsResolver';
import { GitSourceReader } from './sources/GitSourceReader';
import { GuardedGitClient } from './sources/GuardedGitClient';
import { IsomorphicGitClient } from './sources/IsomorphicGitClient';
import { LocalSourceReader } from './sources/LocalSourceReader';
import { redactUrlCredentials } from './sources/redactUrlCredentials';
import { GitClient, SourceReader } from './sources/types';
import { runSourceSync, SourceSyncContext, SourceSyncResult, SyncSource } from './sync/runSourceSync';
import { NestorMetrics } from '../../observability/NestorMetrics';
import { withSpan } from '../../observability/withSpan';
import { CircuitBreakers } from '../resilience/CircuitBreakers';

const TRIGGER_RETRY_MS = 1000;

/** A source with the reader that fetches it. @public */
export interface CatalogSyncSource {
  config: NestorSourceConfig;
  reader: SourceReader;
}

/** What {@link CatalogSyncService.create} needs. @public */
export interface CatalogSyncServiceOptions {
  sources: CatalogSyncSource[];
  store: NestorStore;
  events: NestorEventPublisher;
  logger: LoggerService;
  /** checks a source's Cedar files before they are stored */
  policyValidator?: PolicySetValidator;
  /** engine checks of each definition (see {@link SourceSyncContext.checkDefinition}) */
  checkDefinition?: SourceSyncContext['checkDefinition'];
  /** called after a sync that changed items (e.g. to drop read caches) */
  onChange?: () => Promise<void>;
  /** sync duration and errors per source */
  metrics?: NestorMetrics;
  limits?: Partial<ParseLimits>;
}

/**
 * Keeps the buffet in step with its sources. Each source syncs on a
 * schedule (global scope: one replica at a time) and on demand (webhooks,
 * `POST /catalog/sources/{id}/sync`); on one replica, syncs of a source never
 * overlap, and requests that arrive during a sync are folded into one more
 * sync after it.
 * @public
 */
export class CatalogSyncService {
  readonly #sources = new Map<string, CatalogSyncSource>();
  readonly #options: CatalogSyncServiceOptions;
  readonly #limits: ParseLimits;
  readonly #running = new Map<string, Promise<SourceSyncResult>>();
  readonly #queued = new Map<string, Promise<SourceSyncResult>>();
  readonly #retrying = new Set<string>();
  #scheduler?: { service: SchedulerService; timeoutMs: number };

  static create(options: CatalogSyncServiceOptions): CatalogSyncService {
    return new CatalogSyncService(options);
  }

  /**
   * Builds readers for the configured sources: Git repositories through the
   * git CLI when a `git` binary is installed (isomorphic-git otherwise), with
   * credentials from `integrations`; local folders read directly. Git copies
   * live in `backend.workingDirectory` (or the OS temp folder). With
   * `breakers`, fetches go through the Git host's circuit breaker.
   */
  static async fromConfig(
    options: Omit<CatalogSyncServiceOptions, 'sources'> & {
      config: RootConfigService;
      sources: NestorSourceConfig[];
      gitClient?: GitClient;
      workDir?: string;
      breakers?: CircuitBreakers;
    },
  ): Promise<CatalogSyncService> {
    const needsGit = options.sources.some(s => s.url);
    const plain = needsGit
      ? options.gitClient ?? ((await CliGitClient.isAvailable()) ? CliGitClient.create() : IsomorphicGitClient.create())
      : undefined;
    if (plain) options.logger.info(`Nestor catalog sources use ${plain.name}`);
    const client = plain && options.breakers ? GuardedGitClient.create(plain, options.breakers) : plain;
    const credentials = GitCredentialsResolver.fromConfig(options.config);
    const workDir =
      options.workDir ??
      path.join(options.config.getOptionalString('backend.workingDirectory') ?? os.tmpdir(), 'nestor-sources');
    const sources = options.sources.map(config => ({
      config,
      reader: config.url
        ? GitSourceReader.create({
            sourceId: config.id,
            url: config.url,
            branch: config.branch,
            subPath: config.subPath,
            workDir,
            client: client!,
            credentials: url => credentials.resolve(url),
          })
        : LocalSourceReader.create({ path: config.path!, subPath: config.subPath }),
    }));
    return new CatalogSyncService({ ...options, sources });
  }

  private constructor(options: CatalogSyncServiceOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_PARSE_LIMITS, ...options.limits };
    for (const source of options.sources) this.#sources.set(source.config.id, source);
  }

  sourceIds(): string[] {
    return [...this.#sources.keys()];
  }

  /** The configured source, or undefined. */
  getSource(id: string): NestorSourceConfig | undefined {
    return this.#sources.get(id)?.config;
  }

  /**
   * Syncs one source now and resolves with what the sync did. A call during
   * a running sync waits for one more sync after it (calls are coalesced).
   */
  sync(id: string, options: { signal?: AbortSignal } = {}): Promise<SourceSyncResult> {
    if (!this.#sources.has(id)) return Promise.reject(new NotFoundError(`No catalog source "${id}"`));
    const queued = this.#queued.get(id);
    if (queued) return queued;
    const running = this.#running.get(id);
    if (!running) return this.#start(id, options.signal);
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.#queued.delete(id);
        return this.#start(id, options.signal);
      });
    this.#queued.set(id, next);
    return next;
  }

  /** Syncs every source in turn; a failing source does not stop the others. */
  async syncAll(): Promise<Map<string, SourceSyncResult | Error>> {
    const results = new Map<string, SourceSyncResult | Error>();
    for (const id of this.#sources.keys()) {
      results.set(id, await this.sync(id).catch((error: Error) => error));
    }
    return results;
  }

  /** Every configured source's last sync state (`never` before its first sync). */
  async listStatuses(): Promise<SourceStatus[]> {
    const stored = new Map((await this.#options.store.sources.listSourceStatuses()).map(s => [s.id, s]));
    return [...this.#sources.values()].map(
      ({ config }) =>
        stored.get(config.id) ?? { id: config.id, url: sourceUrl(config), branch: config.url ? config.branch : undefined, status: 'never', errors: [] },
    );
  }

  /**
   * The `sources` readiness check: degraded (never down: the buffet still
   * serves its last good state) while a source has not synced yet or its
   * last sync failed.
   */
  async health(): Promise<{ status: 'degraded'; message: string } | undefined> {
    const problems = (await this.listStatuses())
      .filter(s => s.status === 'failed' || s.status === 'never')
      .map(s => `${s.id}: ${s.status === 'never' ? 'not synced yet' : s.message ?? 'sync failed'}`);
    return problems.length > 0 ? { status: 'degraded', message: problems.join('; ') } : undefined;
  }

  /**
   * Registers one scheduled task per source (`nestor-catalog-sync-<id>`,
   * global scope). Later triggers go through the scheduler, so a sync runs on
   * one replica at a time.
   */
  async schedule(scheduler: SchedulerService, schedule: SchedulerServiceTaskScheduleDefinition): Promise<void> {
    this.#scheduler = { service: scheduler, timeoutMs: durationMs(schedule.timeout) };
    for (const id of this.#sources.keys()) {
      await scheduler.scheduleTask({
        id: taskId(id),
        scope: 'global',
        ...schedule,
        fn: async signal => {
          try {
            await this.sync(id, { signal: signal as AbortSignal });
          } catch (error) {
            // recorded in the source status and logged by the sync itself
          }
        },
      });
    }
  }

  /**
   * Asks for a sync soon, without waiting for it. With a schedule the
   * scheduler's task is triggered (retried while a run is in progress, since
   * that run may have read the branch before the push that asked for this);
   * without one the sync starts here.
   */
  async trigger(id: string): Promise<void> {
    if (!this.#sources.has(id)) throw new NotFoundError(`No catalog source "${id}"`);
    const scheduler = this.#scheduler;
    if (!scheduler) {
      this.sync(id).catch(() => undefined);
      return;
    }
    // a trigger already on its way (or waiting for the running task to end) covers this one
    if (this.#retrying.has(id)) return;
    this.#retrying.add(id);
    const deadline = Date.now() + scheduler.timeoutMs;
    const attempt = async (): Promise<void> => {
      try {
        await scheduler.service.triggerTask(taskId(id));
        this.#retrying.delete(id);
      } catch (error) {
        if (error instanceof ConflictError && Date.now() < deadline) {
          setTimeout(() => void attempt(), TRIGGER_RETRY_MS).unref?.();
          return;
        }
        this.#retrying.delete(id);
        this.#options.logger.warn(`Could not trigger a sync of catalog source ${id}: ${(error as Error).message}`);
      }
    };
    attempt();
  }

  #start(id: string, signal?: AbortSignal): Promise<SourceSyncResult> {
    const run = this.#run(id, signal).finally(() => {
      if (this.#running.get(id) === run) this.#running.delete(id);
    });
    this.#running.set(id, run);
    return run;
  }

  async #run(id: string, signal?: AbortSignal): Promise<SourceSyncResult> {
    const { config, reader } = this.#sources.get(id)!;
    const { store, events, onChange } = this.#options;
    const logger = this.#options.logger.child({ source: id });
    const source: SyncSource = {
      id,
      url: sourceUrl(config),
      branch: config.url ? config.branch : undefined,
      subPath: (config.subPath ?? '').replace(/^\/+|\/+$/g, ''),
    };
    const started = Date.now();
    try {
      const result = await withSpan('nestor.catalog.sync', { 'nestor.source': id }, () => runSourceSync({
        source,
        reader,
        store,
        events,
        logger,
        policyValidator: this.#options.policyValidator,
        checkDefinition: this.#options.checkDefinition,
        onChange,
        limits: this.#limits,
        signal,
      }));
      this.#options.metrics?.syncFinished(id, Date.now() - started);
      logger.info(
        `Synced catalog source ${id} at ${result.status.lastCommit}: ${result.full ? 'full' : 'incremental'}, ` +
          `${result.filesParsed} file(s) parsed, ${result.updated.length} item(s) written, ${result.removed.length} removed, ` +
          `${result.status.errors.length} error(s), ${Date.now() - started} ms`,
      );
      return result;
    } catch (error) {
      const message = redactUrlCredentials((error as Error).message ?? String(error));
      this.#options.metrics?.syncFinished(id, Date.now() - started, error);
      logger.error(`Sync of catalog source ${id} failed: ${message}`);
      await this.#recordFailure(source, message).catch(e => logger.error(`Could not record the failure: ${e}`));
      throw error;
    }
  }

  async #recordFailure(source: SyncSource, message: string): Promise<void> {
    const { store, events } = this.#options;
    const previous = await store.sources.getSourceStatus(source.id);
    await store.sources.putSourceStatus({
      ...(previous ?? { id: source.id, url: source.url, errors: [] }),
      ...(source.branch ? { branch: source.branch } : {}),
      status: 'failed',
      message,
    });
    if (previous?.status === 'failed' && previous.message === message) return;
    await events.publish([
      { type: 'catalog.sync.failed', team: null, ref: null, payload: { sourceId: source.id, message, errors: [] } },
    ]);
  }
}

function taskId(sourceId: string): string {
  return `nestor-catalog-sync-${sourceId}`;
}

/** The URL items and statuses show: never the credentials a URL may carry. */
function sourceUrl(config: NestorSourceConfig): string {
  if (!config.url) return `file:${config.path}`;
  try {
    const url = new URL(config.url);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return redactUrlCredentials(config.url);
  }
}

function durationMs(duration: SchedulerServiceTaskScheduleDefinition['timeout']): number {
  // an ISO string or a luxon Duration: fall back to the default sync timeout
  if (typeof duration === 'string' || 'toMillis' in duration) return 3 * 60_000;
  return durationToMilliseconds(duration);
}
