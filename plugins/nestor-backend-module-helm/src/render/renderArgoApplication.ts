import { KubernetesObject, deploymentLabels } from '@nestor/plugin-nestor-node';
import { HelmEngineConfig } from '../config/helmEngineConfigSchema';
import { HelmRenderInput } from './types';

/** Deletes the release's resources when the Application is deleted. */
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * The Argo CD `Application` of a deployment: a Helm source (the upstream
 * chart, or the generated wrapper chart in the GitOps repository) with the
 * deployment's values inline, synced automatically (prune and self-heal,
 * which corrects drift) into the team's namespace.
 * @public
 */
export function renderArgoApplication(input: HelmRenderInput, config: HelmEngineConfig['argocd']): KubernetesObject {
  const { context, block, values, releaseName } = input;
  const { deployment } = context;
  const destination = config.environments[deployment.environment] ?? config.destination;
  const source = input.wrapperChartPath
    ? {
        repoURL: context.gitops!.repo,
        targetRevision: context.gitops!.branch,
        path: input.wrapperChartPath,
        helm: {
          releaseName,
          valueFiles: ['values.yaml', `values-${deployment.environment}.yaml`],
          ...(Object.keys(values.passThrough).length > 0 ? { valuesObject: values.passThrough } : {}),
        },
      }
    : {
        // Argo CD names OCI Helm repositories without a scheme
        repoURL: block.repo!.replace(/^oci:\/\//, ''),
        chart: block.chart,
        targetRevision: block.version,
        helm: { releaseName, valuesObject: values.merged },
      };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: argoApplicationName(deployment),
      namespace: config.namespace,
      labels: deploymentLabels(deployment),
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: config.project.replace(/\{team\}/g, deployment.team).replace(/\{environment\}/g, deployment.environment),
      destination: { ...destination, namespace: context.namespace },
      source,
      syncPolicy: {
        ...(config.automated ? { automated: { prune: true, selfHeal: true } } : {}),
        syncOptions: ['CreateNamespace=true'],
      },
    },
  };
}

/** Application names are unique in Argo CD's namespace, across teams. @public */
export function argoApplicationName(deployment: { team: string; environment: string; name: string }): string {
  return `${deployment.team}-${deployment.environment}-${deployment.name}`;
}
