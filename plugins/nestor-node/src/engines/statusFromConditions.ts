import { Condition } from '@nestor/plugin-nestor-common';
import { KubernetesObject } from '../kubernetes/types';
import { EngineStatus } from './types';

/** How {@link statusFromConditions} reads one kind's conditions. @public */
export interface StatusFromConditionsOptions {
  /** the kind, for messages (e.g. `Stack`) */
  kind: string;
  /**
   * Reasons of a `Ready=False` condition that mean the object will not get
   * ready without a change (a plan that does not parse), so the deployment
   * fails instead of waiting.
   */
  failedReasons?: readonly string[];
  /** the time used for conditions the object reports without one */
  now?: () => Date;
}

interface UpstreamCondition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
  lastTransitionTime?: unknown;
}

/**
 * Maps an object that reports kstatus-style conditions (`Ready`,
 * `Reconciling`, `Stalled`: Flux, the Pulumi operator, the tofu-controller,
 * Crossplane) to an {@link EngineStatus}:
 * - missing object, object being deleted, or a status older than the
 *   object's generation: `Syncing`;
 * - `Stalled=True`, or `Ready=False` with one of `failedReasons`: `Failed`;
 * - `Ready=True` (and not reconciling): `Ready`;
 * - anything else: `Syncing`.
 * The object's conditions are passed on, so their messages (a plan's error
 * text, a failed install) reach the deployment.
 * @public
 */
export function statusFromConditions(object: KubernetesObject | undefined, options: StatusFromConditionsOptions): EngineStatus {
  const now = (options.now ?? (() => new Date()))().toISOString();
  if (!object) {
    return {
      phase: 'Syncing',
      conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NotFound', message: `${options.kind} not found yet`, lastTransitionTime: now }],
      message: `${options.kind} not found yet`,
    };
  }
  const status = (object.status ?? {}) as { conditions?: UpstreamCondition[]; observedGeneration?: unknown };
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []).flatMap(c => toCondition(c, now));
  const byType = new Map(conditions.map(c => [c.type, c]));
  const ready = byType.get('Ready');
  const stalled = byType.get('Stalled');
  const reconciling = byType.get('Reconciling');

  const generation = (object.metadata as { generation?: unknown }).generation;
  const stale =
    typeof generation === 'number' && typeof status.observedGeneration === 'number' && status.observedGeneration < generation;
  if ((object.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) {
    return { phase: 'Syncing', conditions, message: `${options.kind} is being deleted` };
  }
  if (stale) {
    return { phase: 'Syncing', conditions, message: `${options.kind} has not observed generation ${generation} yet` };
  }
  if (stalled?.status === 'True') {
    return { phase: 'Failed', conditions, message: describe(stalled, `${options.kind} is stalled`) };
  }
  if (ready?.status === 'False' && ready.reason && options.failedReasons?.includes(ready.reason)) {
    return { phase: 'Failed', conditions, message: describe(ready, `${options.kind} failed`) };
  }
  if (ready?.status === 'True' && reconciling?.status !== 'True') {
    return { phase: 'Ready', conditions, message: describe(ready, `${options.kind} is ready`) };
  }
  const progress = reconciling?.status === 'True' ? reconciling : ready;
  return { phase: 'Syncing', conditions, message: describe(progress, `${options.kind} is not ready yet`) };
}

function toCondition(raw: UpstreamCondition, now: string): Condition[] {
  if (typeof raw?.type !== 'string') return [];
  const status = raw.status === 'True' || raw.status === 'False' ? raw.status : 'Unknown';
  const condition: Condition = {
    type: raw.type,
    status,
    lastTransitionTime: typeof raw.lastTransitionTime === 'string' ? raw.lastTransitionTime : now,
  };
  if (typeof raw.reason === 'string' && raw.reason) condition.reason = raw.reason;
  if (typeof raw.message === 'string' && raw.message) condition.message = raw.message;
  return [condition];
}

function describe(condition: Condition | undefined, fallback: string): string {
  if (!condition) return fallback;
  return condition.message ?? condition.reason ?? fallback;
}
