import { createBackendModule } from '@backstage/backend-plugin-api';
import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineCapabilities,
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
  RenderResult,
  nestorEnginesExtensionPoint,
  objectArtifact,
  requireKubernetes,
} from '@nestor/plugin-nestor-node';

/**
 * The deploy-throughput benchmark's engine, `bench`: it renders one
 * ConfigMap per deployment and has no `apply`, so Nestor's own direct
 * delivery server-side applies it to the cluster (the in-process Kubernetes
 * API test server: no cluster runs here). Its status reads the ConfigMap
 * back from that cluster and reports Ready once it is there, as a controller
 * that has nothing to reconcile would. It stands in for the real engines,
 * whose own work (a Helm release, a Crossplane claim reconciling) is not
 * what this benchmark measures: Nestor's path from a POST to a terminal phase.
 */
export class BenchEngine implements DeploymentEngine {
  readonly name = 'bench';
  readonly capabilities: EngineCapabilities = {
    delivery: ['direct'],
    outputs: true,
    drift: false,
  };

  async validate(definition: ResourceDefinition) {
    return definition.spec.parameters.type === 'object'
      ? []
      : [{ field: 'parameters', message: 'must be an object schema' }];
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    const { deployment, parameters, namespace } = context;
    return {
      artifacts: [
        objectArtifact('configmap.yaml', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: deployment.name,
            namespace,
            labels: { 'nestor.io/team': deployment.team },
          },
          data: {
            parameters: JSON.stringify(parameters),
            revision: String(deployment.currentRevision),
          },
        }),
      ],
    };
  }

  async status(
    context: EngineRenderContext,
    target: EngineTarget,
  ): Promise<EngineStatus> {
    const kubernetes = requireKubernetes(target, context, this.name);
    const found = await kubernetes.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: context.deployment.name,
      namespace: context.namespace,
    });
    const now = new Date().toISOString();
    return found
      ? {
          phase: 'Ready',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Available',
              lastTransitionTime: now,
            },
          ],
          outputs: { configMap: context.deployment.name },
        }
      : {
          phase: 'Syncing',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'Creating',
              lastTransitionTime: now,
            },
          ],
        };
  }

  async destroy(context: EngineRenderContext, target: EngineTarget) {
    await requireKubernetes(target, context, this.name).delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: context.deployment.name,
      namespace: context.namespace,
    });
  }

  async health() {
    return { status: 'ok' as const };
  }
}

/** Registers {@link BenchEngine} with Nestor. */
export const benchEngineModule = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'bench-engine',
  register(reg) {
    reg.registerInit({
      deps: { engines: nestorEnginesExtensionPoint },
      async init({ engines }) {
        engines.addEngine(new BenchEngine());
      },
    });
  },
});
