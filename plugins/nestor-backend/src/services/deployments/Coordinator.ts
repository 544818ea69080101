import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { DeploymentPhase } from '@nestor/plugin-nestor-common';
import { DeploymentStore } from '@nestor/plugin-nestor-node';
import { DeploymentRunner } from './DeploymentRunner';
import { WORKABLE_PHASES } from './DeploymentPhaseMachine';
import { deploymentLogFields } from './deploymentLogFields';
import { withSpan } from '../../observability/withSpan';

/** Options of {@link Coordinator.create}. @public */
export interface CoordinatorOptions {
  store: Pick<DeploymentStore, 'get' | 'acquireLease' | 'releaseLease' | 'findUnleased'>;
  runner: Pick<DeploymentRunner, 'step'>;
  logger: LoggerService;
  /** this replica's lease owner id (default: host, pid and a random suffix) */
  owner?: string;
  pollIntervalMs: number;
  leaseMs: number;
  /** deployments this replica works on at once */
  concurrency: number;
  /** deployments of one team this replica works on at once */
  perTeamConcurrency: number;
}

/**
 * The deployment workers of one replica. It polls the store for deployments
 * with work to do whose lease is free or expired, takes each lease with a
 * conditional write (so two replicas never run the same deployment), renews
 * it while a step runs, and runs steps until the deployment must wait. A
 * wait (for status, dependencies or a retry's backoff) is kept as a shorter
 * lease: any replica picks the deployment up once it expires, and if this
 * replica crashes its deployments resume elsewhere after the lease time.
 * @public
 */
export class Coordinator {
  readonly #o: CoordinatorOptions;
  readonly owner: string;
  readonly #active = new Map<string, { team: string; done: Promise<void> }>();
  #timer?: NodeJS.Timeout;
  #polling?: Promise<void>;
  #again = false;
  #stopped = true;

  static create(options: CoordinatorOptions): Coordinator {
    return new Coordinator(options);
  }

  private constructor(options: CoordinatorOptions) {
    this.#o = options;
    this.owner = options.owner ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Looks for work now (after a submit, a cancel, a finished step). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  /** Stops polling and waits for the steps in progress; their leases are left to expire or released. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    await Promise.all([...this.#active.values()].map(a => a.done));
  }

  /** Deployments this replica is working on now. */
  activeCount(): number {
    return this.#active.size;
  }

  /** One poll: takes what work it can; returns how many deployments it started on. */
  async poll(): Promise<number> {
    const free = this.#o.concurrency - this.#active.size;
    if (free <= 0) return 0;
    const candidates = await this.#o.store.findUnleased(WORKABLE_PHASES as DeploymentPhase[], free * 4 + 4);
    let started = 0;
    for (const candidate of candidates) {
      if (this.#stopped || this.#active.size >= this.#o.concurrency) break;
      if (this.#active.has(candidate.id)) continue;
      const teamActive = [...this.#active.values()].filter(a => a.team === candidate.team).length;
      if (teamActive >= this.#o.perTeamConcurrency) continue;
      if (!(await this.#o.store.acquireLease(candidate.id, this.owner, this.#o.leaseMs))) continue;
      const entry = { team: candidate.team, done: Promise.resolve() };
      this.#active.set(candidate.id, entry);
      entry.done = this.#work(candidate.id).finally(() => {
        this.#active.delete(candidate.id);
        this.kick();
      });
      started++;
    }
    return started;
  }

  #schedule(delayMs: number) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#polling = this.poll()
        .then(
          () => undefined,
          error => this.#o.logger.error(`Coordinator poll failed: ${error}`),
        )
        .finally(() => {
          this.#polling = undefined;
          if (this.#stopped) return;
          const again = this.#again;
          this.#again = false;
          this.#schedule(again ? 0 : this.#o.pollIntervalMs);
        });
    }, delayMs);
    this.#timer.unref?.();
  }

  async #work(id: string): Promise<void> {
    let lost = false;
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = this.#o.store.acquireLease(id, this.owner, this.#o.leaseMs).then(
        ok => {
          if (!ok) lost = true;
        },
        error => this.#o.logger.warn(`Could not renew the lease of deployment ${id}: ${error}`, { deploymentId: id }),
      );
    }, Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    // no renewal may land after the lease is released or shortened
    const settle = async () => {
      clearInterval(renew);
      await renewing;
    };
    try {
      for (;;) {
        const deployment = await this.#o.store.get(id);
        if (!deployment || !WORKABLE_PHASES.includes(deployment.phase)) {
          await settle();
          await this.#o.store.releaseLease(id, this.owner);
          return;
        }
        if (lost) {
          this.#o.logger.child(deploymentLogFields(deployment)).warn(`Lost the lease of ${deployment.ref}; another replica has it`);
          return;
        }
        const outcome = await withSpan(
          `nestor.deploy.${deployment.phase}`,
          {
            'nestor.deployment.ref': deployment.ref,
            'nestor.deployment.id': deployment.id,
            'nestor.team': deployment.team,
            'nestor.engine': deployment.engine,
            'nestor.phase': deployment.phase,
          },
          () => this.#o.runner.step(deployment),
        );
        if (outcome.next === 'never') {
          await settle();
          await this.#o.store.releaseLease(id, this.owner);
          return;
        }
        if (outcome.next === 'later') {
          // the lease becomes the timer: free again when the wait is over
          await settle();
          await this.#o.store.acquireLease(id, this.owner, outcome.afterMs);
          return;
        }
        if (this.#stopped) {
          await settle();
          await this.#o.store.releaseLease(id, this.owner);
          return;
        }
      }
    } catch (error) {
      this.#o.logger.error(`Coordinator step of deployment ${id} failed unexpectedly: ${error}`, { deploymentId: id });
      await settle();
      await this.#o.store.acquireLease(id, this.owner, this.#o.pollIntervalMs * 5).catch(() => undefined);
    } finally {
      await settle();
    }
  }
}
