import { DeploymentEngine } from '@nestor/plugin-nestor-node';
import { NestorMetrics } from './NestorMetrics';
import { withSpan } from './withSpan';

const CALLS = [
  'validate',
  'render',
  'apply',
  'status',
  'detectDrift',
  'destroy',
] as const;

/**
 * The engine with each call (validate, render, apply, status, detectDrift,
 * destroy) in a span `nestor.engine.<call>` and timed in
 * `nestor.engine.call.duration` (errors in `nestor.engine.call.errors`).
 * Other members pass through.
 * @internal
 */
export function instrumentEngine(
  engine: DeploymentEngine,
  metrics: NestorMetrics,
): DeploymentEngine {
  const wrapped: Record<string, unknown> = {};
  for (const call of CALLS) {
    const original = (engine as any)[call];
    if (typeof original !== 'function') continue;
    wrapped[call] = (...args: unknown[]) => {
      const context = args[0] as { deployment?: { ref?: string } } | undefined;
      const attributes = {
        'nestor.engine': engine.name,
        ...(context?.deployment?.ref
          ? { 'nestor.deployment.ref': context.deployment.ref }
          : {}),
      };
      return withSpan(`nestor.engine.${call}`, attributes, () =>
        metrics.engineCall(engine.name, call, () =>
          original.apply(engine, args),
        ),
      );
    };
  }
  return new Proxy(engine, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in wrapped)
        return wrapped[property];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
