import { LoggerService, SchedulerService, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { EventStore } from '@nestor/plugin-nestor-node';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the event log to its retention (`nestor.events.retention.days`): a
 * task, run by one replica at a time, deletes older events. A client that
 * resumes from a deleted id gets `event: reset`.
 * @public
 */
export class EventRetention {
  readonly #store: EventStore;
  readonly #logger: LoggerService;
  readonly #retentionMs: number;

  static create(options: { store: EventStore; logger: LoggerService; retentionDays: number }): EventRetention {
    return new EventRetention(options);
  }

  private constructor(options: { store: EventStore; logger: LoggerService; retentionDays: number }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#retentionMs = options.retentionDays * DAY_MS;
  }

  /** Schedules {@link EventRetention.prune} hourly (by default) across the cluster. */
  async schedule(
    scheduler: SchedulerService,
    schedule: Partial<SchedulerServiceTaskScheduleDefinition> = {},
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: 'nestor-events-retention',
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.prune();
      },
    });
  }

  /** Deletes events older than the retention; returns how many. */
  async prune(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#retentionMs).toISOString();
    try {
      const deleted = await this.#store.pruneBefore(cutoff);
      if (deleted > 0) this.#logger.info(`Pruned ${deleted} event(s) older than ${cutoff}`);
      return deleted;
    } catch (error) {
      this.#logger.error(`Pruning events older than ${cutoff} failed: ${error}`);
      throw error;
    }
  }
}
