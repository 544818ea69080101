import { EngineRenderContext, KubernetesObject, deploymentLabels } from '@nestor/plugin-nestor-node';
import { PulumiEngineConfig } from '../config/pulumiEngineConfigSchema';
import { pulumiStackName } from './pulumiNames';
import { ResolvedPulumiProgram } from './resolvePulumiProgram';

/**
 * The Pulumi Kubernetes Operator's objects of a deployment, both named after
 * it in the team's namespace: a `Program` (`pulumi.com/v1`) holding the
 * resolved Pulumi YAML program, and a `Stack` that runs it, resyncing
 * periodically with a refresh first so drift is corrected, and destroying
 * the stack's resources when it is deleted.
 * @public
 */
export function renderPulumiObjects(
  context: EngineRenderContext,
  resolved: ResolvedPulumiProgram,
  config: PulumiEngineConfig,
): { program: KubernetesObject; stack: KubernetesObject } {
  const { deployment } = context;
  const metadata = { name: deployment.name, namespace: context.namespace, labels: deploymentLabels(deployment) };
  const program: KubernetesObject = {
    apiVersion: 'pulumi.com/v1',
    kind: 'Program',
    metadata,
    program: resolved.program,
  };
  const envRefs = Object.fromEntries(
    Object.entries(config.stack.envFromSecrets).map(([variable, secret]) => [variable, { type: 'Secret', secret }]),
  );
  const stack: KubernetesObject = {
    apiVersion: 'pulumi.com/v1',
    kind: 'Stack',
    metadata,
    spec: {
      stack: pulumiStackName(deployment, config.organization),
      programRef: { name: deployment.name },
      destroyOnFinalize: true,
      continueResyncOnCommitMatch: true,
      resyncFrequencySeconds: config.stack.resyncFrequencySeconds,
      refresh: config.stack.refresh,
      ...(config.stack.backend ? { backend: config.stack.backend } : {}),
      ...(config.stack.serviceAccountName ? { serviceAccountName: config.stack.serviceAccountName } : {}),
      ...(config.stack.secretsProvider ? { secretsProvider: config.stack.secretsProvider } : {}),
      ...(Object.keys(envRefs).length > 0 ? { envRefs } : {}),
      ...(Object.keys(resolved.config).length > 0 ? { config: resolved.config } : {}),
    },
  };
  return { program, stack };
}
