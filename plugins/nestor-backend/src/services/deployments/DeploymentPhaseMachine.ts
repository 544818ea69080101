import { ConflictError } from '@backstage/errors';
import { Condition, Deployment, DeploymentPhase } from '@nestor/plugin-nestor-common';

/**
 * Which phase may follow which. A new revision (rollback) starts over at
 * `Pending`; `Deleting` leads to `Deleted`, or to `Cancelled` when a
 * deployment in progress was cancelled, or back to `Failed` when teardown
 * itself fails for good.
 * @public
 */
export const PHASE_TRANSITIONS: Readonly<Record<DeploymentPhase, readonly DeploymentPhase[]>> = {
  Pending: ['Validating', 'Failed', 'Cancelled', 'Deleting'],
  Validating: ['Rendering', 'Failed', 'Cancelled', 'Deleting'],
  Rendering: ['Committed', 'Applying', 'Failed', 'Deleting'],
  Committed: ['Syncing', 'Failed', 'Deleting'],
  Applying: ['Syncing', 'Failed', 'Deleting'],
  Syncing: ['Ready', 'RolledBack', 'Failed', 'Deleting'],
  Ready: ['Pending', 'Deleting'],
  RolledBack: ['Pending', 'Deleting'],
  Failed: ['Pending', 'Deleting', 'Deleted'],
  Deleting: ['Deleted', 'Cancelled', 'Failed'],
  Cancelled: [],
  Deleted: [],
};

/** Phases in which the coordinator has work to do. @public */
export const WORKABLE_PHASES: readonly DeploymentPhase[] = ['Pending', 'Validating', 'Rendering', 'Committed', 'Applying', 'Syncing', 'Deleting'];

/** Phases in which a deployment runs as ordered: what its dependents wait for. @public */
export const RUNNING_PHASES: readonly DeploymentPhase[] = ['Ready', 'RolledBack'];

/** Why a phase changed: recorded in the history and sent with the event. @public */
export interface PhaseChange {
  reason: string;
  message?: string;
  now?: string;
}

/**
 * The deployment in its next phase, with the transition (time, reason,
 * message) appended to its history and the retry count reset. A transition
 * the machine does not allow is a ConflictError.
 * @public
 */
export function transitionDeployment(deployment: Deployment, to: DeploymentPhase, change: PhaseChange): Deployment {
  if (!PHASE_TRANSITIONS[deployment.phase].includes(to)) {
    throw new ConflictError(`Deployment ${deployment.ref} cannot go from ${deployment.phase} to ${to}`);
  }
  const at = change.now ?? new Date().toISOString();
  return {
    ...deployment,
    phase: to,
    history: [...deployment.history, { phase: to, at, reason: change.reason, ...(change.message ? { message: change.message } : {}) }],
    attempts: 0,
    updatedAt: at,
  };
}

/**
 * Conditions with `updates` merged in by type; a condition whose status did
 * not change keeps its `lastTransitionTime`.
 * @public
 */
export function mergeConditions(conditions: readonly Condition[], updates: readonly Condition[]): Condition[] {
  const merged = [...conditions];
  for (const update of updates) {
    const i = merged.findIndex(c => c.type === update.type);
    if (i < 0) merged.push(update);
    else merged[i] = merged[i].status === update.status ? { ...update, lastTransitionTime: merged[i].lastTransitionTime } : update;
  }
  return merged;
}

/** Conditions without those of the given types. @public */
export function withoutConditions(conditions: readonly Condition[], types: readonly string[]): Condition[] {
  return conditions.filter(c => !types.includes(c.type));
}
