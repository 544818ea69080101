import { EngineRenderContext, KubernetesObject, deploymentLabels } from '@nestor/plugin-nestor-node';
import { crossplaneNames, toLabelValue } from './crossplaneNames';

/** The name of the connection secret a claim writes. @public */
export function connectionSecretName(deploymentName: string): string {
  return `${deploymentName}-connection`;
}

/**
 * The object one deployment renders: a claim (claim-style XRDs) or a
 * namespaced XR, in the deployment's namespace, with the order's parameters
 * (defaults applied) under `spec.parameters`. Claims write their connection
 * details to `<name>-connection`.
 * @public
 */
export function renderCrossplaneObject(context: EngineRenderContext): KubernetesObject {
  const { definition, deployment, parameters, namespace } = context;
  const names = crossplaneNames(definition);
  const spec: Record<string, unknown> = { parameters };
  if (names.claimStyle) {
    spec.writeConnectionSecretToRef = { name: connectionSecretName(deployment.name) };
  }
  return {
    apiVersion: names.apiVersion,
    kind: names.deploymentKind,
    metadata: {
      name: deployment.name,
      namespace,
      labels: { ...deploymentLabels(deployment), 'nestor.io/resource-version': toLabelValue(definition.spec.version) },
      annotations: {
        'nestor.io/ref': deployment.ref,
        'nestor.io/deployment-id': deployment.id,
        'nestor.io/revision': String(deployment.currentRevision),
      },
    },
    spec,
  };
}
