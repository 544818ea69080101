import { EngineRenderContext, EngineStatus } from './types';

/**
 * The status of a deployment whose environment has no cluster to read from:
 * no phase (the deployment stays where it is) and a `Ready=Unknown`
 * condition saying why.
 * @public
 */
export function noClusterStatus(context: Pick<EngineRenderContext, 'deployment'>, now: Date = new Date()): EngineStatus {
  const message = `no cluster is configured for environment ${context.deployment.environment}: status cannot be read`;
  return {
    conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NoCluster', message, lastTransitionTime: now.toISOString() }],
    message,
  };
}
