import { Condition, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineStatus, KubernetesObject } from '@nestor/plugin-nestor-node';

interface CrossplaneCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/**
 * Maps a claim's or XR's conditions onto a deployment's phase: `Ready` when
 * `Ready` is True (and not stale: observed at the object's generation) and
 * `Synced` is not False; `Syncing` otherwise, with Crossplane's conditions
 * and their reasons (`ReconcileError`, `Creating`, ...) kept on the
 * deployment. A `Synced=False` is not a failure: Crossplane keeps retrying,
 * and the deployment shows why it is not ready yet.
 *
 * Outputs are the item's declared outputs found in the object's status; for
 * claims, those found only in the connection secret are reported as a
 * reference to the secret key, never as the secret value.
 * @public
 */
export function readCrossplaneStatus(
  object: KubernetesObject | undefined,
  definition: ResourceDefinition,
  options: { secret?: KubernetesObject; now?: string; waitingFor?: string } = {},
): EngineStatus {
  const now = options.now ?? new Date().toISOString();
  if (!object) {
    return {
      phase: 'Syncing',
      conditions: [
        {
          type: 'Synced',
          status: 'Unknown',
          reason: 'NotFound',
          message: `the object is not in the cluster yet${options.waitingFor ? ` (${options.waitingFor})` : ''}`,
          lastTransitionTime: now,
        },
      ],
      message: 'waiting for the object to appear in the cluster',
    };
  }
  const status = (object.status ?? {}) as Record<string, unknown>;
  const found = ((status.conditions as CrossplaneCondition[] | undefined) ?? []).filter(c => c && typeof c.type === 'string');
  const generation = (object.metadata as { generation?: number }).generation;
  const conditions: Condition[] = found.map(c => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    lastTransitionTime: c.lastTransitionTime ?? now,
  }));
  const ready = found.find(c => c.type === 'Ready');
  const synced = found.find(c => c.type === 'Synced');
  const stale = ready?.observedGeneration !== undefined && generation !== undefined && ready.observedGeneration < generation;
  if ((object.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
    return { phase: 'Syncing', conditions, message: 'the object is being deleted' };
  }
  if (ready?.status === 'True' && synced?.status !== 'False' && !stale) {
    return { phase: 'Ready', conditions, outputs: outputsOf(status, definition, object, options.secret) };
  }
  const why = [synced?.status === 'False' ? synced : undefined, ready]
    .filter((c): c is CrossplaneCondition => Boolean(c))
    .map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`);
  return {
    phase: 'Syncing',
    conditions,
    message: stale ? 'the Ready condition was observed at an older generation' : why.join('; ') || 'no conditions reported yet',
  };
}

function outputsOf(
  status: Record<string, unknown>,
  definition: ResourceDefinition,
  object: KubernetesObject,
  secret?: KubernetesObject,
): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  const secretData = (secret?.data ?? {}) as Record<string, string>;
  for (const name of definition.spec.outputs) {
    if (status[name] !== undefined) {
      outputs[name] = status[name];
    } else if (secret && secretData[name] !== undefined) {
      outputs[name] = { secretRef: { name: secret.metadata.name, namespace: object.metadata.namespace, key: name } };
    }
  }
  return outputs;
}
