import type { MetricsService } from '@backstage/backend-plugin-api/alpha';

type Attrs = Record<string, string>;
interface Counter {
  add(value: number, attributes?: Attrs): void;
}
interface Histogram {
  record(value: number, attributes?: Attrs): void;
}

/** What the circuit state gauge reads: 0 closed, 1 half-open, 2 open. */
const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Nestor's business metrics, created on Backstage's `metricsServiceRef` (the
 * plugin's OpenTelemetry meter), so they leave the process through whatever
 * reader the instrumentation file installs (Prometheus on :9464/metrics).
 *
 * Without a metrics service (unit tests building services by hand) every call
 * is a no-op.
 * @internal
 */
export class NestorMetrics {
  readonly #phases?: Counter;
  readonly #syncDuration?: Histogram;
  readonly #syncErrors?: Counter;
  readonly #policyViolations?: Counter;
  readonly #quotaRefusals?: Counter;
  readonly #quotaUsage?: Histogram;
  readonly #engineDuration?: Histogram;
  readonly #engineErrors?: Counter;
  readonly #externalCalls?: Histogram;
  readonly #circuitTransitions?: Counter;
  readonly #driftChecks?: Counter;
  readonly #service?: MetricsService;

  static create(options: { metrics?: MetricsService }): NestorMetrics {
    return new NestorMetrics(options.metrics);
  }

  /** A metrics object that records nothing. */
  static noop(): NestorMetrics {
    return new NestorMetrics(undefined);
  }

  private constructor(metrics: MetricsService | undefined) {
    if (!metrics) return;
    this.#service = metrics;
    this.#phases = metrics.createCounter(
      'nestor.deployments.phase.transitions',
      {
        description: 'Deployments entering a phase, by engine, phase and team',
      },
    );
    this.#syncDuration = metrics.createHistogram(
      'nestor.catalog.sync.duration',
      {
        description: 'Duration of one catalog source sync',
        unit: 's',
      },
    );
    this.#syncErrors = metrics.createCounter('nestor.catalog.sync.errors', {
      description: 'Catalog source syncs that failed',
    });
    this.#policyViolations = metrics.createCounter('nestor.policy.violations', {
      description:
        'Requests refused by a Cedar policy or a dependency rule, by team and check',
    });
    this.#quotaRefusals = metrics.createCounter('nestor.quota.exceeded', {
      description: 'Deployment requests refused for quota',
    });
    this.#quotaUsage = metrics.createGauge('nestor.quota.usage.ratio', {
      description:
        'Usage over limit (1 = full) of the quota a refused request hit, by team, environment and limit',
    });
    this.#engineDuration = metrics.createHistogram(
      'nestor.engine.call.duration',
      {
        description: 'Duration of deployment engine calls',
        unit: 's',
      },
    );
    this.#engineErrors = metrics.createCounter('nestor.engine.call.errors', {
      description: 'Deployment engine calls that threw',
    });
    this.#externalCalls = metrics.createHistogram(
      'nestor.external.call.duration',
      {
        description:
          'Duration of Git, Argo CD and Kubernetes calls, by system and outcome',
        unit: 's',
      },
    );
    this.#driftChecks = metrics.createCounter(
      'nestor.deployments.drift.checks',
      {
        description:
          'Drift checks of running deployments, by engine, team and outcome (in-sync, drifted, unknown, skipped, failed)',
      },
    );
    this.#circuitTransitions = metrics.createCounter(
      'nestor.circuit.transitions',
      {
        description:
          'Circuit breaker state changes, by system (git, argocd, kubernetes), target and new state',
      },
    );
  }

  /** Counts one drift check of a running deployment (see DriftMonitor). */
  driftChecked(
    deployment: { engine: string; team: string },
    outcome: 'in-sync' | 'drifted' | 'unknown' | 'skipped' | 'failed',
  ): void {
    this.#driftChecks?.add(1, {
      engine: deployment.engine,
      team: deployment.team,
      outcome,
    });
  }

  /** Counts a circuit breaker entering `state`. */
  circuitChanged(
    dependency: { system: string; target: string },
    state: keyof typeof CIRCUIT_STATE_VALUES,
  ): void {
    this.#circuitTransitions?.add(1, {
      system: dependency.system,
      target: dependency.target,
      state,
    });
  }

  /**
   * Reports the state of every circuit breaker `read` returns as the gauge
   * `nestor.circuit.state` (0 closed, 1 half-open, 2 open), by system and
   * target, each time metrics are collected.
   */
  observeCircuits(
    read: () => ReadonlyArray<{
      system: string;
      target: string;
      state: keyof typeof CIRCUIT_STATE_VALUES;
    }>,
  ): void {
    this.#service
      ?.createObservableGauge('nestor.circuit.state', {
        description:
          'Circuit breaker state by system and target: 0 closed, 1 half-open, 2 open',
      })
      .addCallback(result => {
        for (const circuit of read()) {
          result.observe(CIRCUIT_STATE_VALUES[circuit.state], {
            system: circuit.system,
            target: circuit.target,
          });
        }
      });
  }

  /**
   * Counts what a batch of Nestor events says happened: deployments
   * created and entering a phase (by engine, phase, team), policy and
   * dependency violations, quota refusals with the usage they hit.
   */
  observe(
    events: ReadonlyArray<{
      type: string;
      team: string | null;
      payload: unknown;
    }>,
  ): void {
    for (const event of events) {
      const payload = (event.payload ?? {}) as Record<string, any>;
      const team = event.team ?? 'global';
      switch (event.type) {
        case 'deployment.created':
        case 'deployment.phase': {
          // a drift report is a `deployment.phase` event that stays in its phase
          if (
            event.type === 'deployment.phase' &&
            typeof payload.from === 'string' &&
            payload.from === payload.to
          )
            break;
          const d = payload.deployment ?? {};
          this.#phases?.add(1, {
            engine: String(d.engine ?? 'unknown'),
            phase: String(d.phase ?? 'unknown'),
            team,
          });
          break;
        }
        case 'policy.violation':
          this.#policyViolations?.add(1, { team, check: 'policy' });
          break;
        case 'dependency.violation':
          this.#policyViolations?.add(1, { team, check: 'dependency' });
          break;
        case 'quota.exceeded':
          this.#quotaRefusals?.add(1, {
            team,
            environment: String(payload.environment ?? ''),
            limit: String(payload.limit ?? ''),
          });
          if (Number(payload.max) > 0) {
            this.#quotaUsage?.record(
              Number(payload.current) / Number(payload.max),
              {
                team,
                environment: String(payload.environment ?? ''),
                limit: String(payload.limit ?? ''),
              },
            );
          }
          break;
        default:
      }
    }
  }

  syncFinished(source: string, durationMs: number, error?: unknown): void {
    const outcome = error ? 'error' : 'ok';
    this.#syncDuration?.record(durationMs / 1000, { source, outcome });
    if (error) this.#syncErrors?.add(1, { source });
  }

  /** Times `fn` as a call `operation` to engine `engine`. */
  async engineCall<T>(
    engine: string,
    operation: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.#time(fn, (seconds, error) => {
      this.#engineDuration?.record(seconds, {
        engine,
        operation,
        outcome: error ? 'error' : 'ok',
      });
      if (error) this.#engineErrors?.add(1, { engine, operation });
    });
  }

  /** Times `fn` as a call to an external `system` (git, argocd, kubernetes). */
  async externalCall<T>(
    system: string,
    operation: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.#time(fn, (seconds, error) =>
      this.#externalCalls?.record(seconds, {
        system,
        operation,
        outcome: error ? 'error' : 'ok',
      }),
    );
  }

  async #time<T>(
    fn: () => Promise<T>,
    done: (seconds: number, error?: unknown) => void,
  ): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      done((performance.now() - started) / 1000);
      return result;
    } catch (error) {
      done((performance.now() - started) / 1000, error);
      throw error;
    }
  }
}
