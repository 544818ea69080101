import { ReadinessCircuit } from '@nestor/plugin-nestor-common';
import { TransientEngineError } from '@nestor/plugin-nestor-node';

/** An external system Nestor calls (`system`), and which one of its kind (`target`: the Git host, the Argo CD instance or the cluster). @public */
export type ExternalDependency = Pick<ReadinessCircuit, 'system' | 'target'>;

/**
 * A call refused without being made, because the dependency's circuit
 * breaker is open after repeated failures. It is transient: the work that
 * needed the call is retried once the breaker lets a call through again
 * (`retryAfterMs`).
 * @public
 */
export class CircuitOpenError extends TransientEngineError {
  readonly circuitOpen = true;
  readonly dependency: ExternalDependency;
  readonly retryAfterMs: number;

  constructor(
    dependency: ExternalDependency,
    retryAfterMs: number,
    lastFailure?: string,
  ) {
    super(
      `${describeDependency(
        dependency,
      )} is not answering: circuit open after repeated failures, next try in ${Math.ceil(
        retryAfterMs / 1000,
      )} s${lastFailure ? ` (last failure: ${lastFailure})` : ''}`,
    );
    this.dependency = dependency;
    this.retryAfterMs = retryAfterMs;
  }
}

const UNAVAILABLE = Symbol.for('nestor.unavailableDependency');

/** "Git host github.com", "Argo CD main", "cluster dev". @internal */
export function describeDependency(dependency: ExternalDependency): string {
  switch (dependency.system) {
    case 'git':
      return `Git host ${dependency.target}`;
    case 'argocd':
      return `Argo CD ${dependency.target}`;
    default:
      return `cluster ${dependency.target}`;
  }
}

/**
 * Marks an error as the failure of an unavailable dependency. The mark
 * survives wrapping: {@link unavailableDependency} follows `cause`.
 * @internal
 */
export function markUnavailable(
  error: unknown,
  dependency: ExternalDependency,
): void {
  if (error && typeof error === 'object' && Object.isExtensible(error)) {
    Object.defineProperty(error, UNAVAILABLE, {
      value: dependency,
      configurable: true,
    });
  }
}

/**
 * The dependency whose unavailability caused an error (a refused call of an
 * open circuit, or a call that failed because the dependency was down), with
 * how long until its breaker lets a call through; undefined for any other
 * error.
 * @public
 */
export function unavailableDependency(
  error: unknown,
): { dependency: ExternalDependency; retryAfterMs?: number } | undefined {
  let current = error as
    | { cause?: unknown; [UNAVAILABLE]?: ExternalDependency }
    | undefined;
  for (
    let depth = 0;
    current && typeof current === 'object' && depth < 5;
    depth++
  ) {
    if (current instanceof CircuitOpenError) {
      return {
        dependency: current.dependency,
        retryAfterMs: current.retryAfterMs,
      };
    }
    const marked = current[UNAVAILABLE];
    if (marked) return { dependency: marked };
    current = current.cause as typeof current;
  }
  return undefined;
}
