import { KubernetesObject, deploymentLabels } from '@nestor/plugin-nestor-node';
import { HelmEngineConfig } from '../config/helmEngineConfigSchema';
import { HelmRenderInput } from './types';

/**
 * The Flux objects of a deployment: a `HelmRelease` (helm-controller v2) with
 * the deployment's values, and, for an upstream chart, the `HelmRepository`
 * it is pulled from. A wrapper chart is read from the GitOps repository
 * through the configured `GitRepository`, with its values files.
 * @public
 */
export function renderFluxHelmRelease(input: HelmRenderInput, config: HelmEngineConfig['flux']): KubernetesObject[] {
  const { context, block, values, releaseName } = input;
  const { deployment } = context;
  const labels = deploymentLabels(deployment);
  const remediation = { remediation: { retries: config.remediationRetries } };
  const objects: KubernetesObject[] = [];
  let chartSpec: Record<string, unknown>;
  let releaseValues: Record<string, unknown>;
  if (input.wrapperChartPath) {
    chartSpec = {
      chart: `./${input.wrapperChartPath}`,
      sourceRef: { kind: 'GitRepository', name: config.gitRepository.name, namespace: config.gitRepository.namespace },
      valuesFiles: [`./${input.wrapperChartPath}/values.yaml`, `./${input.wrapperChartPath}/values-${deployment.environment}.yaml`],
      reconcileStrategy: 'Revision',
    };
    releaseValues = values.passThrough;
  } else {
    const repositoryName = `${deployment.name}-charts`;
    const oci = block.repo!.startsWith('oci://');
    objects.push({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: repositoryName, namespace: context.namespace, labels },
      spec: { url: block.repo!, interval: config.interval, ...(oci ? { type: 'oci' } : {}) },
    });
    chartSpec = {
      chart: block.chart,
      version: block.version,
      sourceRef: { kind: 'HelmRepository', name: repositoryName },
    };
    releaseValues = values.merged;
  }
  objects.push({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: deployment.name, namespace: context.namespace, labels },
    spec: {
      interval: config.interval,
      releaseName,
      chart: { spec: { ...chartSpec, interval: config.interval } },
      install: remediation,
      upgrade: remediation,
      driftDetection: { mode: 'enabled' },
      ...(Object.keys(releaseValues).length > 0 ? { values: releaseValues } : {}),
    },
  });
  return objects;
}
