import type { Deployment, NestorEvent } from '@nestor/plugin-nestor-common';

/** The event types that carry a deployment in `payload.deployment`. @public */
export const DEPLOYMENT_EVENT_TYPES = [
  'deployment.created',
  'deployment.phase',
  'deployment.completed',
  'deployment.failed',
] as const;

/**
 * The deployment a `deployment.*` event carries (its artifacts without their
 * contents), or undefined for any other event or a payload of another shape.
 * @public
 */
export function deploymentOfEvent(event: NestorEvent): Deployment | undefined {
  if (!event.type.startsWith('deployment.')) return undefined;
  const payload = event.payload as { deployment?: Partial<Deployment> } | null;
  const deployment = payload?.deployment;
  if (
    !deployment ||
    typeof deployment.id !== 'string' ||
    typeof deployment.ref !== 'string' ||
    typeof deployment.phase !== 'string'
  ) {
    return undefined;
  }
  return deployment as Deployment;
}
