import { LoggerService } from '@backstage/backend-plugin-api';
import { NestorEvent } from '@nestor/plugin-nestor-common';

/** What {@link DependencyGraphFollower} needs. @public */
export interface DependencyGraphFollowerOptions {
  /** rebuilds the replica's graph from the store (`DependencyService.reload`) */
  reload: () => Promise<void>;
  logger: LoggerService;
  /** quiet time after the last relevant event before reloading. Default 500 ms. */
  debounceMs?: number;
  /** longest a relevant event waits for its reload while events keep coming. Default 5 s. */
  maxDelayMs?: number;
}

/** Events after which the graph may differ from the store: deployments, definitions, teams. */
function changesGraph(event: NestorEvent): boolean {
  return (
    event.type.startsWith('deployment.') ||
    event.type === 'catalog.updated' ||
    event.type === 'catalog.removed'
  );
}

/**
 * Keeps a replica's dependency graph in step with changes made by other
 * replicas. The graph lives in each replica's memory; the coordinator keeps
 * it current for its own changes, and every replica sees every event in id
 * order (the event bus, backfilled from the log). A deployment or catalog
 * event schedules one reload from the store, debounced so a burst of events
 * costs one reload, and bounded so a steady stream still reloads every
 * `maxDelayMs`. Reloads never overlap: events during one schedule the next.
 * @public
 */
export class DependencyGraphFollower {
  readonly #options: DependencyGraphFollowerOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstPendingAt: number | undefined;
  #running: Promise<void> | undefined;
  #dirtyWhileRunning = false;
  #stopped = false;
  #reloads = 0;

  static create(
    options: DependencyGraphFollowerOptions,
  ): DependencyGraphFollower {
    return new DependencyGraphFollower(options);
  }

  private constructor(options: DependencyGraphFollowerOptions) {
    this.#options = options;
  }

  /** How many reloads the follower has run (for tests and diagnostics). */
  get reloads(): number {
    return this.#reloads;
  }

  /** Takes a batch of events from the replica's ordered stream. */
  observe(events: NestorEvent[]): void {
    if (this.#stopped || !events.some(changesGraph)) return;
    if (this.#running) {
      this.#dirtyWhileRunning = true;
      return;
    }
    this.#schedule();
  }

  /** Cancels a pending reload and waits for a running one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(): void {
    const now = Date.now();
    this.#firstPendingAt ??= now;
    const debounceMs = this.#options.debounceMs ?? 500;
    const maxDelayMs = this.#options.maxDelayMs ?? 5000;
    const wait = Math.max(
      0,
      Math.min(debounceMs, this.#firstPendingAt + maxDelayMs - now),
    );
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), wait);
    this.#timer.unref?.();
  }

  #run(): void {
    this.#timer = undefined;
    this.#firstPendingAt = undefined;
    if (this.#stopped) return;
    this.#reloads++;
    this.#running = this.#options
      .reload()
      .catch(error =>
        this.#options.logger.warn(
          `Could not reload the dependency graph after changes elsewhere: ${error}`,
        ),
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#dirtyWhileRunning && !this.#stopped) {
          this.#dirtyWhileRunning = false;
          this.#schedule();
        }
      });
  }
}
