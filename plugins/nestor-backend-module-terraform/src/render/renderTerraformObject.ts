import {
  EngineRenderContext,
  KubernetesObject,
  deploymentLabels,
} from '@nestor/plugin-nestor-node';
import { TerraformEngineConfig } from '../config/terraformEngineConfigSchema';
import { hclString } from './renderRootModule';

/** The Secret the tofu-controller writes a deployment's outputs to. @public */
export function outputsSecretName(deploymentName: string): string {
  return `${deploymentName}-outputs`;
}

/**
 * The Flux tofu-controller's `Terraform` object (`infra.contrib.fluxcd.io/v1alpha2`)
 * of a GitOps deployment: it runs the root module committed in the
 * deployment's folder, with the order as `vars`, in the workspace
 * `<team>-<environment>`, its state in a Kubernetes Secret (or S3 with
 * DynamoDB locking), its outputs written to `<name>-outputs`, and its
 * resources destroyed when it is deleted.
 * @public
 */
export function renderTerraformObject(
  context: EngineRenderContext,
  inputs: Record<string, unknown>,
  config: TerraformEngineConfig,
): KubernetesObject {
  const { deployment } = context;
  if (!context.gitops) {
    throw new Error(
      `deployment ${deployment.ref} has no GitOps location: the tofu-controller reads the root module from Git`,
    );
  }
  const backend = config.stateBackend;
  const backendConfig =
    backend.type === 's3'
      ? {
          customConfiguration: [
            'backend "s3" {',
            `  bucket         = ${hclString(backend.bucket)}`,
            `  key            = ${hclString(
              `${backend.keyPrefix}/${deployment.team}/${deployment.environment}/${deployment.name}/terraform.tfstate`,
            )}`,
            `  region         = ${hclString(backend.region)}`,
            `  dynamodb_table = ${hclString(backend.dynamodbTable)}`,
            `  encrypt        = ${backend.encrypt}`,
            '}',
          ].join('\n'),
        }
      : { secretSuffix: deployment.name, inClusterConfig: true };
  const { sourceRef } = config.gitops;
  return {
    apiVersion: 'infra.contrib.fluxcd.io/v1alpha2',
    kind: 'Terraform',
    metadata: {
      name: deployment.name,
      namespace: context.namespace,
      labels: deploymentLabels(deployment),
    },
    spec: {
      interval: config.gitops.interval,
      path: `./${context.gitops.path}`,
      sourceRef: {
        kind: sourceRef.kind,
        name: sourceRef.name.replace(/\{team\}/g, deployment.team),
        namespace: sourceRef.namespace,
      },
      approvePlan: config.gitops.approvePlan === 'auto' ? 'auto' : '',
      workspace: `${deployment.team}-${deployment.environment}`,
      backendConfig,
      vars: Object.entries(inputs).map(([name, value]) => ({ name, value })),
      writeOutputsToSecret: {
        name: outputsSecretName(deployment.name),
        outputs: context.definition.spec.outputs,
      },
      destroyResourcesOnDeletion: true,
      storeReadablePlan: 'human',
      ...(config.gitops.serviceAccountName
        ? { serviceAccountName: config.gitops.serviceAccountName }
        : {}),
    },
  };
}
