import { Condition } from '@nestor/plugin-nestor-common';
import { EngineStatus, KubernetesObject } from '@nestor/plugin-nestor-node';

interface ApplicationStatusFields {
  health?: { status?: string; message?: string; lastTransitionTime?: string };
  sync?: { status?: string; revision?: string; comparedTo?: { source?: { targetRevision?: string } } };
  operationState?: { phase?: string; message?: string; finishedAt?: string };
  conditions?: Array<{ type?: string; message?: string; lastTransitionTime?: string }>;
}

/** Argo CD condition types that no retry fixes: the Application itself is wrong. */
const SPEC_ERRORS = new Set(['InvalidSpecError']);

/**
 * Maps an Argo CD `Application`'s status to a deployment status: `Ready` when
 * it is synced to the rendered revision and healthy; `Failed` when its last
 * sync operation failed, its health is `Degraded`, or its spec is invalid;
 * `Syncing` otherwise (including while Argo CD has not compared the new
 * chart version yet). Sync and health become `Synced` and `Healthy`
 * conditions; Argo CD's own conditions (comparison or sync errors) are passed
 * on with their messages.
 * @public
 */
export function applicationStatus(application: KubernetesObject | undefined, now: Date = new Date()): EngineStatus {
  const at = now.toISOString();
  if (!application) {
    const message = 'Application not found yet';
    return { phase: 'Syncing', conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NotFound', message, lastTransitionTime: at }], message };
  }
  const status = (application.status ?? {}) as ApplicationStatusFields;
  const health = status.health?.status ?? 'Unknown';
  const sync = status.sync?.status ?? 'Unknown';
  const conditions: Condition[] = [
    condition('Synced', sync === 'Synced', sync, syncMessage(status), at),
    condition('Healthy', health === 'Healthy', health, status.health?.message, status.health?.lastTransitionTime ?? at),
    ...(status.conditions ?? [])
      .filter(c => typeof c.type === 'string')
      .map(c => condition(c.type!, true, c.type!, c.message, c.lastTransitionTime ?? at)),
  ];

  const wanted = ((application.spec as { source?: { targetRevision?: string } })?.source ?? {}).targetRevision;
  const compared = status.sync?.comparedTo?.source?.targetRevision;
  const operation = status.operationState;
  const specError = (status.conditions ?? []).find(c => c.type && SPEC_ERRORS.has(c.type));
  if ((application.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
    return { phase: 'Syncing', conditions, message: 'Application is being deleted' };
  }
  if (specError) {
    return { phase: 'Failed', conditions, message: specError.message ?? specError.type };
  }
  if (compared !== undefined && wanted !== undefined && compared !== wanted) {
    return { phase: 'Syncing', conditions, message: `Argo CD has not compared revision ${wanted} yet (last compared ${compared})` };
  }
  if (operation?.phase === 'Failed' || operation?.phase === 'Error') {
    return { phase: 'Failed', conditions, message: operation.message ?? `sync ${operation.phase.toLowerCase()}` };
  }
  if (health === 'Degraded') {
    return { phase: 'Failed', conditions, message: status.health?.message ?? 'Application is degraded' };
  }
  if (sync === 'Synced' && health === 'Healthy') {
    return { phase: 'Ready', conditions, message: 'Application is synced and healthy' };
  }
  return { phase: 'Syncing', conditions, message: `Application is ${sync.toLowerCase()} and ${health.toLowerCase()}` };
}

function syncMessage(status: ApplicationStatusFields): string | undefined {
  const revision = status.sync?.revision;
  return revision ? `revision ${revision}` : undefined;
}

function condition(type: string, ok: boolean, reason: string, message: string | undefined, at: string): Condition {
  const result: Condition = { type, status: ok ? 'True' : 'False', reason, lastTransitionTime: at };
  if (message) result.message = message;
  return result;
}
