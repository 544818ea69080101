import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { LoggerService, SchedulerService, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Condition, Deployment } from '@nestor/plugin-nestor-common';
import { DeploymentStore, EngineDriftReport, EngineStatus } from '@nestor/plugin-nestor-node';
import pLimit from 'p-limit';
import { NestorMetrics } from '../../observability/NestorMetrics';
import { NestorEventPublisher } from '../events/types';
import { DeploymentRunner } from './DeploymentRunner';
import { RUNNING_PHASES, mergeConditions } from './DeploymentPhaseMachine';
import { deploymentEvents } from './deploymentEvents';
import { deploymentLogFields } from './deploymentLogFields';

/** The condition the monitor keeps on a running deployment. @public */
export const DRIFTED_CONDITION = 'Drifted';

/** What one check of one deployment came to. @public */
export type DriftCheckOutcome = 'in-sync' | 'drifted' | 'unknown' | 'skipped' | 'failed';

/** What one run over every running deployment found. @public */
export type DriftRunSummary = Record<DriftCheckOutcome, number> & {
  /** deployments whose `Drifted` condition was written (drift found, changed or gone) */
  changed: number;
};

/** Options of {@link DriftMonitor.create}. @public */
export interface DriftMonitorOptions {
  store: Pick<DeploymentStore, 'list' | 'get' | 'update' | 'acquireLease' | 'releaseLease'>;
  runner: Pick<DeploymentRunner, 'engineCall'>;
  events: NestorEventPublisher;
  logger: LoggerService;
  metrics?: Pick<NestorMetrics, 'driftChecked'>;
  /** the lease owner id of the monitor (default: host, pid and a random suffix) */
  owner?: string;
  /** lease length while a deployment is checked; renewed while the check runs */
  leaseMs: number;
  /** deployments checked at once (default 2) */
  concurrency?: number;
  /** deployments read from the store at a time (default 50) */
  pageSize?: number;
}

/** Longest `details` (e.g. a plan) an event carries. */
const MAX_DETAILS = 16 * 1024;
/** Writes retried after a conflict with another writer, before giving up until the next run. */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * Checks running (`Ready`, `RolledBack`) deployments for drift, on a schedule.
 * The store is read a page at a time; each deployment is checked under its
 * lease, so one the coordinator (or another replica) is working on is
 * skipped, and the coordinator waits for a check to finish before it starts
 * on a new revision. An engine with `detectDrift` answers for itself
 * (Terraform direct mode: `plan -detailed-exitcode`); otherwise, or when it
 * has no answer for the deployment, the engine's `status()` decides: a status
 * that is no longer `Ready` (a claim `Synced=False`, an Application
 * `OutOfSync` or `Degraded`, a failed Stack) is drift, a status without a
 * phase (no cluster to read) tells nothing. Drift sets the deployment's
 * `Drifted=True` condition (reason `DriftDetected`, the engine's message) and
 * publishes a `deployment.phase` event that keeps the phase; once the drift
 * is gone the condition turns `Drifted=False` (`DriftResolved`), with an event
 * too. The monitor never changes the phase and never re-applies anything:
 * correcting drift is the engine's controller's job (Argo CD self-heal, the
 * Pulumi operator's resync) or the team's (a new revision).
 * @public
 */
export class DriftMonitor {
  readonly #o: DriftMonitorOptions;
  readonly owner: string;

  static create(options: DriftMonitorOptions): DriftMonitor {
    return new DriftMonitor(options);
  }

  private constructor(options: DriftMonitorOptions) {
    this.#o = options;
    this.owner = options.owner ?? `${os.hostname()}-${process.pid}-drift-${randomUUID().slice(0, 8)}`;
  }

  /** Runs {@link DriftMonitor.run} on the scheduler, on one replica at a time. */
  async schedule(scheduler: SchedulerService, schedule: SchedulerServiceTaskScheduleDefinition): Promise<void> {
    await scheduler.scheduleTask({
      id: 'nestor-drift-check',
      scope: 'global',
      ...schedule,
      fn: async signal => {
        const summary = await this.run(signal);
        this.#o.logger.info(
          `Drift check: ${summary['in-sync']} in sync, ${summary.drifted} drifted, ${summary.unknown} unknown, ` +
            `${summary.skipped} skipped (being worked on), ${summary.failed} failed; ${summary.changed} condition(s) written`,
        );
      },
    });
  }

  /** Checks every running deployment once, a page at a time; stops between pages once `signal` aborts. */
  async run(signal?: AbortSignal): Promise<DriftRunSummary> {
    const summary: DriftRunSummary = { 'in-sync': 0, drifted: 0, unknown: 0, skipped: 0, failed: 0, changed: 0 };
    const limit = pLimit(this.#o.concurrency ?? 2);
    for (const phase of RUNNING_PHASES) {
      let cursor: string | undefined;
      do {
        if (signal?.aborted) return summary;
        const page = await this.#o.store.list({ phase, limit: this.#o.pageSize ?? 50, cursor });
        const results = await Promise.all(page.items.map(d => limit(() => this.check(d))));
        for (const result of results) {
          summary[result.outcome] += 1;
          if (result.changed) summary.changed += 1;
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
    return summary;
  }

  /**
   * Checks one deployment under its lease and writes its `Drifted` condition
   * when that changes. Never throws: a failed check is logged and counted.
   */
  async check(listed: Deployment): Promise<{ outcome: DriftCheckOutcome; changed: boolean }> {
    const log = this.#o.logger.child(deploymentLogFields(listed));
    const done = (outcome: DriftCheckOutcome, changed = false) => {
      this.#o.metrics?.driftChecked(listed, outcome);
      return { outcome, changed };
    };
    let acquired: boolean;
    try {
      acquired = await this.#o.store.acquireLease(listed.id, this.owner, this.#o.leaseMs);
    } catch (error) {
      log.warn(`Drift check of ${listed.ref} could not take its lease: ${error}`);
      return done('failed');
    }
    if (!acquired) return done('skipped');
    const renew = setInterval(() => {
      this.#o.store.acquireLease(listed.id, this.owner, this.#o.leaseMs).catch(error => log.warn(`Could not renew the lease of ${listed.ref}: ${error}`));
    }, Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    try {
      // the page may be stale: judge the deployment as it is now that it is ours
      const deployment = await this.#o.store.get(listed.id);
      if (!deployment || !RUNNING_PHASES.includes(deployment.phase)) return done('skipped');
      const finding = await this.#detect(deployment);
      if (!finding) return done('unknown');
      const changed = await this.#record(deployment, finding, log);
      if (finding.drifted && changed) log.warn(`Drift in ${deployment.ref}: ${finding.message}`);
      if (!finding.drifted && changed) log.info(`Drift in ${deployment.ref} is gone`);
      return done(finding.drifted ? 'drifted' : 'in-sync', changed);
    } catch (error) {
      log.warn(`Drift check of ${listed.ref} failed: ${(error as Error)?.message ?? error}`);
      return done('failed');
    } finally {
      clearInterval(renew);
      await this.#o.store.releaseLease(listed.id, this.owner).catch(error => log.warn(`Could not release the lease of ${listed.ref}: ${error}`));
    }
  }

  /** The engine's own answer, or else what its status says; undefined when neither tells. */
  async #detect(deployment: Deployment): Promise<(EngineDriftReport & { message: string }) | undefined> {
    const { engine, context, target } = await this.#o.runner.engineCall(deployment);
    const report = engine.detectDrift ? await engine.detectDrift(context, target) : undefined;
    if (report) {
      return { ...report, message: report.message ?? (report.drifted ? `${engine.name} reports drift` : 'no drift') };
    }
    return driftFromStatus(await engine.status(context, target));
  }

  /**
   * Sets the `Drifted` condition when it changes (a deployment that never
   * drifted gets none), with optimistic concurrency: on a conflict the
   * deployment is read again and, if it is still running the same revision,
   * written again. Returns whether it wrote.
   */
  async #record(checked: Deployment, finding: EngineDriftReport & { message: string }, log: LoggerService): Promise<boolean> {
    let current: Deployment | undefined = checked;
    for (let attempt = 1; ; attempt++) {
      const condition = driftCondition(finding);
      const existing = current.conditions.find(c => c.type === DRIFTED_CONDITION);
      if (!existing && !finding.drifted) return false;
      if (existing && existing.status === condition.status && existing.message === condition.message) return false;
      const now = new Date().toISOString();
      const next: Deployment = { ...current, conditions: mergeConditions(current.conditions, [condition]), updatedAt: now };
      try {
        const saved = await this.#o.store.update(next, current.version);
        const written = saved.conditions.find(c => c.type === DRIFTED_CONDITION)!;
        await this.#publish(deploymentEvents.drift(saved, written, finding.details?.slice(0, MAX_DETAILS)), log);
        return true;
      } catch (error) {
        if ((error as Error)?.name !== 'ConflictError' || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
      current = await this.#o.store.get(checked.id);
      // a new revision, a teardown: what was checked is no longer what runs
      if (!current || !RUNNING_PHASES.includes(current.phase) || current.currentRevision !== checked.currentRevision) return false;
    }
  }

  async #publish(events: Parameters<NestorEventPublisher['publish']>[0], log: LoggerService) {
    try {
      await this.#o.events.publish(events);
    } catch (error) {
      log.error(`Could not publish the drift event of ${events[0]?.ref}: ${error}`);
    }
  }
}

/**
 * Drift as an engine's status shows it: a status that is no longer `Ready`
 * is drift; a status without a phase (no cluster to read) tells nothing.
 */
function driftFromStatus(status: EngineStatus): (EngineDriftReport & { message: string }) | undefined {
  if (!status.phase) return undefined;
  if (status.phase === 'Ready') return { drifted: false, message: 'the engine reports Ready' };
  const failing = status.conditions
    .filter(c => c.status !== 'True')
    .map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`)
    .join(', ');
  return {
    drifted: true,
    message: `the engine reports ${status.phase}${status.message ? `: ${status.message}` : ''}`,
    ...(failing ? { details: failing } : {}),
  };
}

function driftCondition(finding: EngineDriftReport & { message: string }): Condition {
  return {
    type: DRIFTED_CONDITION,
    status: finding.drifted ? 'True' : 'False',
    reason: finding.drifted ? 'DriftDetected' : 'DriftResolved',
    message: finding.message,
    lastTransitionTime: new Date().toISOString(),
  };
}
