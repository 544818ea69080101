import { LoggerService } from '@backstage/backend-plugin-api';
import { ReadinessCircuit } from '@nestor/plugin-nestor-common';
import { Attributes, SpanKind } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
} from 'cockatiel';
import { NestorMetrics } from '../../observability/NestorMetrics';
import { redactUrlCredentials } from '../catalog/sources/redactUrlCredentials';
import { withSpan } from '../../observability/withSpan';
import { isOutage } from './isOutage';
import {
  CircuitOpenError,
  describeDependency,
  ExternalDependency,
  markUnavailable,
} from './unavailableDependency';

/** A circuit breaker's state. @public */
export type CircuitStateName = ReadinessCircuit['state'];

/** One circuit breaker, as readiness and the metrics report it. @public */
export type CircuitStatus = ReadinessCircuit;

/** `nestor.circuitBreakers`. @public */
export interface CircuitBreakerSettings {
  /** consecutive failures (network errors, 5xx, 429) that open a circuit */
  failureThreshold: number;
  /** how long an open circuit refuses calls before it lets one test call through */
  halfOpenAfterMs: number;
  /** how long one call may take before it is abandoned as a failure (calls that may be abandoned) */
  callTimeoutMs: number;
}

/** @public */
export const DEFAULT_CIRCUIT_BREAKER_SETTINGS: CircuitBreakerSettings = {
  failureThreshold: 5,
  halfOpenAfterMs: 30_000,
  callTimeoutMs: 30_000,
};

/** State changes each circuit remembers for readiness. */
const HISTORY = 10;

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** One dependency's breaker: cockatiel's policy, with what readiness shows. */
class Circuit {
  readonly dependency: ExternalDependency;
  readonly #policy: CircuitBreakerPolicy;
  readonly #halfOpenAfterMs: number;
  readonly #transitions: Array<{ state: CircuitStateName; at: string }> = [];
  #state: CircuitStateName = 'closed';
  #since = new Date().toISOString();
  #openedAt?: number;
  #lastFailure?: string;

  constructor(
    dependency: ExternalDependency,
    settings: CircuitBreakerSettings,
    onChange: (circuit: Circuit) => void,
  ) {
    this.dependency = dependency;
    this.#halfOpenAfterMs = settings.halfOpenAfterMs;
    this.#policy = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failureThreshold),
    });
    this.#policy.onBreak(reason => {
      this.#lastFailure =
        'error' in reason ? firstLine(reason.error) : 'held open';
    });
    this.#policy.onStateChange(state => {
      this.#state = STATE_NAMES[state];
      this.#since = new Date().toISOString();
      if (this.#state === 'open') this.#openedAt = Date.now();
      this.#transitions.push({ state: this.#state, at: this.#since });
      if (this.#transitions.length > HISTORY) this.#transitions.shift();
      onChange(this);
    });
  }

  get state(): CircuitStateName {
    return this.#state;
  }

  get lastFailure(): string | undefined {
    return this.#lastFailure;
  }

  /**
   * Runs `fn` through the breaker. With `timeoutMs`, a call that has not
   * settled by then is abandoned (its signal aborted) and fails with
   * `ETIMEDOUT`, which counts as an outage.
   */
  async execute<T>(
    fn: (signal?: AbortSignal) => Promise<T>,
    timeoutMs?: number,
  ): Promise<T> {
    const attempt = async () => {
      if (!timeoutMs) return fn();
      try {
        return await timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(
          ({ signal }) => fn(signal),
        );
      } catch (error) {
        if (!(error instanceof TaskCancelledError)) throw error;
        throw Object.assign(
          new Error(
            `${describeDependency(
              this.dependency,
            )} did not answer within ${timeoutMs} ms`,
          ),
          { code: 'ETIMEDOUT' },
        );
      }
    };
    try {
      return await this.#policy.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new CircuitOpenError(
          this.dependency,
          this.#retryAfterMs(),
          this.#lastFailure,
        );
      }
      if (isOutage(error)) markUnavailable(error, this.dependency);
      throw error;
    }
  }

  status(): CircuitStatus {
    return {
      ...this.dependency,
      state: this.#state,
      since: this.#since,
      ...(this.#lastFailure ? { lastFailure: this.#lastFailure } : {}),
      ...(this.#state === 'open' && this.#openedAt !== undefined
        ? {
            retryAt: new Date(
              this.#openedAt + this.#halfOpenAfterMs,
            ).toISOString(),
          }
        : {}),
      transitions: [...this.#transitions],
    };
  }

  /** How long until an open circuit lets a test call through (0 when it would now). */
  #retryAfterMs(): number {
    if (this.#openedAt === undefined) return 0;
    return Math.max(0, this.#openedAt + this.#halfOpenAfterMs - Date.now());
  }
}

/**
 * The circuit breakers of Nestor's external dependencies, one per Git host,
 * Argo CD instance and Kubernetes cluster, all built the same way (cockatiel,
 * `nestor.circuitBreakers`): `failureThreshold` consecutive outages (network
 * errors, 5xx, 429) open a circuit; an open circuit refuses calls at once
 * with a {@link CircuitOpenError} (transient: the work is retried, never
 * failed, see the deployment runner) for `halfOpenAfterMs`, then lets one
 * test call through (half-open) whose success closes it again. Refused
 * credentials, missing branches and other answers that say nothing about
 * the dependency's health do not count.
 *
 * {@link CircuitBreakers.call} is how every Git, Argo CD and Kubernetes call
 * is made: a client span `nestor.<system>.<operation>`, its duration in
 * `nestor.external.call.duration`, optional retries with backoff, and the
 * dependency's breaker. Breaker states are in `/health/ready` and in the
 * `nestor.circuit.state` gauge.
 * @public
 */
export class CircuitBreakers {
  readonly #settings: CircuitBreakerSettings;
  readonly #metrics: NestorMetrics;
  readonly #logger?: LoggerService;
  readonly #circuits = new Map<string, Circuit>();

  static create(
    options: {
      settings?: Partial<CircuitBreakerSettings>;
      metrics?: NestorMetrics;
      logger?: LoggerService;
    } = {},
  ): CircuitBreakers {
    return new CircuitBreakers(options);
  }

  private constructor(options: {
    settings?: Partial<CircuitBreakerSettings>;
    metrics?: NestorMetrics;
    logger?: LoggerService;
  }) {
    this.#settings = {
      ...DEFAULT_CIRCUIT_BREAKER_SETTINGS,
      ...options.settings,
    };
    this.#metrics = options.metrics ?? NestorMetrics.noop();
    this.#logger = options.logger;
    this.#metrics.observeCircuits(() => this.statuses());
  }

  get settings(): CircuitBreakerSettings {
    return { ...this.#settings };
  }

  /**
   * Makes one call to an external dependency, through its breaker, in a
   * client span, timed. Each attempt is abandoned after `callTimeoutMs`
   * (`fn` gets an AbortSignal to stop its work) unless `timeout: false`:
   * calls whose abandoned work would go on writing (a Git fetch into a
   * local copy) opt out. With `retries`, outages are retried with
   * exponential backoff (each attempt counts for the breaker; a refusal of
   * the open circuit is not retried).
   */
  async call<T>(
    dependency: ExternalDependency,
    operation: string,
    fn: (signal?: AbortSignal) => Promise<T>,
    options: {
      attributes?: Attributes;
      retries?: number;
      backoffMs?: number;
      timeout?: false;
    } = {},
  ): Promise<T> {
    const circuit = this.#circuit(dependency);
    const timeoutMs =
      options.timeout === false ? undefined : this.#settings.callTimeoutMs;
    const attempt = () => circuit.execute(fn, timeoutMs);
    const run = options.retries
      ? () =>
          retry(handleWhen(isOutage), {
            maxAttempts: options.retries,
            backoff: new ExponentialBackoff({
              initialDelay: options.backoffMs ?? 200,
              maxDelay: 5_000,
            }),
          }).execute(attempt)
      : attempt;
    return withSpan(
      `nestor.${dependency.system}.${operation}`,
      {
        'nestor.dependency.system': dependency.system,
        'nestor.dependency.target': dependency.target,
        ...options.attributes,
      },
      () => this.#metrics.externalCall(dependency.system, operation, run),
      { kind: SpanKind.CLIENT },
    );
  }

  /** The state of a dependency's breaker (`closed` before its first call). */
  state(dependency: ExternalDependency): CircuitStateName {
    return this.#circuits.get(keyOf(dependency))?.state ?? 'closed';
  }

  /** Every breaker that has been used, by system and target. */
  statuses(): CircuitStatus[] {
    return [...this.#circuits.values()]
      .map(c => c.status())
      .sort((a, b) =>
        `${a.system}/${a.target}`.localeCompare(`${b.system}/${b.target}`),
      );
  }

  /** The `circuits` readiness check: degraded while a breaker is not closed. */
  async health(): Promise<{ status: 'degraded'; message: string } | undefined> {
    const problems = this.statuses().filter(s => s.state !== 'closed');
    if (problems.length === 0) return undefined;
    return {
      status: 'degraded',
      message: problems
        .map(s =>
          s.state === 'open'
            ? `${describeDependency(s)}: open until ${s.retryAt}${
                s.lastFailure ? ` (${s.lastFailure})` : ''
              }`
            : `${describeDependency(s)}: half-open (a test call is running)`,
        )
        .join('; '),
    };
  }

  #circuit(dependency: ExternalDependency): Circuit {
    const key = keyOf(dependency);
    let circuit = this.#circuits.get(key);
    if (!circuit) {
      circuit = new Circuit(
        { system: dependency.system, target: dependency.target },
        this.#settings,
        changed => this.#changed(changed),
      );
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }

  #changed(circuit: Circuit) {
    const { dependency, state } = circuit;
    this.#metrics.circuitChanged(dependency, state);
    const name = describeDependency(dependency);
    const fields = {
      system: dependency.system,
      target: dependency.target,
      circuit: state,
    };
    if (state === 'open') {
      this.#logger?.warn(
        `Circuit of ${name} opened: calls are refused for ${
          this.#settings.halfOpenAfterMs
        } ms (${circuit.lastFailure})`,
        fields,
      );
    } else if (state === 'half-open') {
      this.#logger?.info(
        `Circuit of ${name} half-open: trying one call`,
        fields,
      );
    } else {
      this.#logger?.info(`Circuit of ${name} closed: it answers again`, fields);
    }
  }
}

function keyOf(dependency: ExternalDependency): string {
  return `${dependency.system}\u0000${dependency.target}`;
}

function firstLine(error: unknown): string {
  return redactUrlCredentials(
    String((error as Error)?.message ?? error).split('\n')[0],
  );
}
