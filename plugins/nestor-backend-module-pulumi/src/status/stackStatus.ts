import { EngineStatus, KubernetesObject, statusFromConditions } from '@nestor/plugin-nestor-node';

interface StackStatusFields {
  outputs?: Record<string, unknown>;
  lastUpdate?: { state?: string; message?: string; type?: string };
}

/**
 * A `Stack`'s status as a deployment status: its `Ready`/`Reconciling`/
 * `Stalled` conditions (a stalled stack fails), the message of a failed last
 * update while the operator retries, and the stack outputs once ready.
 * @public
 */
export function stackStatus(stack: KubernetesObject | undefined, now?: () => Date): EngineStatus {
  const status = statusFromConditions(stack, { kind: 'Stack', now });
  const fields = (stack?.status ?? {}) as StackStatusFields;
  if (status.phase === 'Ready') {
    return { ...status, outputs: fields.outputs ?? {} };
  }
  if (fields.lastUpdate?.state === 'failed' && fields.lastUpdate.message) {
    const prefix = status.phase === 'Failed' ? '' : 'retrying after a failed update: ';
    return { ...status, message: `${prefix}${fields.lastUpdate.message}` };
  }
  return status;
}
