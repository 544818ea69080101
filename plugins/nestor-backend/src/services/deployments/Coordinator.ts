import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Deployment, DeploymentPhase } from '@nestor/plugin-nestor-common';
import { DeploymentStore } from '@nestor/plugin-nestor-node';
import { DeploymentRunner, StepOutcome } from './DeploymentRunner';
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
 *
 * What this replica writes itself (a submission, a cancel, a rollback) is
 * {@link Coordinator.offer}ed to it and started at once when a worker is
 * free, without waiting for a poll; polling is the way to everything else
 * (other replicas' work, waits that are over, crash recovery). A lease is
 * taken at the version the worker read, so what it read is current and is
 * not read again; between the steps it runs, a worker carries the version
 * its last step wrote (a write by anyone else meanwhile makes the next
 * step's optimistic write fail, and the worker reads the deployment again).
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

  /**
   * Starts on a deployment this replica just wrote, at once if a worker (and
   * a worker of its team) is free; otherwise a poll finds it later.
   */
  offer(deployment: Deployment): void {
    if (!WORKABLE_PHASES.includes(deployment.phase)) return;
    this.#take(deployment).then(
      taken => {
        if (!taken) this.kick();
      },
      error => this.#o.logger.error(`Coordinator could not start on deployment ${deployment.id}: ${error}`, { deploymentId: deployment.id }),
    );
  }

  /** Looks for work now (after a finished step, or work offered when no worker was free). */
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
      if (await this.#take(candidate)) started++;
    }
    return started;
  }

  /**
   * Takes a worker for `deployment` (as read from the store) if one is free
   * for it, and its lease at the version read; then works on it. Resolves
   * once the lease is taken or refused: whether work started.
   */
  #take(deployment: Deployment): Promise<boolean> {
    if (this.#stopped || this.#active.size >= this.#o.concurrency || this.#active.has(deployment.id)) return Promise.resolve(false);
    const teamActive = [...this.#active.values()].filter(a => a.team === deployment.team).length;
    if (teamActive >= this.#o.perTeamConcurrency) return Promise.resolve(false);
    // the worker is held while the lease is asked for, so a poll and an offer never both take the last one
    const entry = { team: deployment.team, done: Promise.resolve() };
    this.#active.set(deployment.id, entry);
    let leased = false;
    const taking = this.#o.store.acquireLease(deployment.id, this.owner, this.#o.leaseMs, { version: deployment.version });
    entry.done = taking
      .then(
        ok => {
          leased = ok;
        },
        () => undefined, // the caller reports a failed lease request
      )
      .then(() => (leased ? this.#work(deployment) : undefined))
      .finally(() => {
        this.#active.delete(deployment.id);
        if (leased) this.kick();
      });
    return taking;
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

  /** Runs steps from `leased` (read before its lease was taken at its version) until the deployment must wait. */
  async #work(leased: Deployment): Promise<void> {
    const id = leased.id;
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
    // the version this worker read or wrote last; read again after anything else
    let known: Deployment | undefined = leased;
    try {
      for (;;) {
        const deployment: Deployment | undefined = known ?? (await this.#o.store.get(id));
        known = undefined;
        if (!deployment || !WORKABLE_PHASES.includes(deployment.phase)) {
          await settle();
          await this.#o.store.releaseLease(id, this.owner);
          return;
        }
        if (lost) {
          this.#o.logger.child(deploymentLogFields(deployment)).warn(`Lost the lease of ${deployment.ref}; another replica has it`);
          return;
        }
        const outcome: StepOutcome = await withSpan(
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
        known = outcome.deployment;
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
