import { InputError } from '@backstage/errors';
import { KubernetesApi } from '../kubernetes/types';
import { EngineRenderContext, EngineTarget } from './types';

/**
 * The target's Kubernetes API, for engines that apply objects or read their
 * status from a cluster; a clear error when no cluster is configured for the
 * deployment's environment.
 * @public
 */
export function requireKubernetes(target: EngineTarget, context: Pick<EngineRenderContext, 'deployment'>, engine: string): KubernetesApi {
  if (!target.kubernetes) {
    throw new InputError(
      `The ${engine} engine needs a Kubernetes cluster for environment "${context.deployment.environment}" ` +
        `(deployment ${context.deployment.ref}); configure one in nestor.kubernetes.clusters`,
    );
  }
  return target.kubernetes;
}
