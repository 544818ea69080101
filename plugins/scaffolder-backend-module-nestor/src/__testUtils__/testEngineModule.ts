import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  DeploymentEngine,
  deploymentLabels,
  KubernetesObject,
  nestorEnginesExtensionPoint,
  objectArtifact,
  readArtifactObjects,
  requireKubernetes,
} from '@nestor/plugin-nestor-node';

const configMapRef = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name,
  namespace,
});

/**
 * A deployment engine for these tests, registered as `test`, delivering
 * directly: it renders the order as a ConfigMap, applies it to the
 * environment's cluster (the in-process Kubernetes API server of
 * `@nestor/test-utils`) and reports Ready with `host` and `port` outputs
 * once the cluster holds it, or Failed for a deployment named `fail-...`.
 * The real engines need Crossplane, Helm charts or Terraform, which cannot
 * run here; these tests are about the scaffolder and the catalog.
 */
export const testEngine: DeploymentEngine = {
  name: 'test',
  capabilities: { delivery: ['direct'], outputs: true, drift: false },
  async validate() {
    return [];
  },
  async render({ deployment, parameters, namespace }) {
    const configMap: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: deployment.name,
        namespace,
        labels: deploymentLabels(deployment),
      },
      data: Object.fromEntries(
        Object.entries(parameters).map(([k, v]) => [k, JSON.stringify(v)]),
      ),
    };
    return { artifacts: [objectArtifact('configmap.yaml', configMap)] };
  },
  async apply(context, rendered, target) {
    await requireKubernetes(target, context, 'test').apply(
      readArtifactObjects(rendered.artifacts),
    );
  },
  async status(context, target) {
    const { deployment, namespace } = context;
    const now = new Date().toISOString();
    if (deployment.name.startsWith('fail-')) {
      return {
        phase: 'Failed',
        message: 'the test engine was told to fail',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Told',
            message: 'the deployment is named to fail',
            lastTransitionTime: now,
          },
        ],
      };
    }
    const stored = await requireKubernetes(target, context, 'test').get(
      configMapRef(deployment.name, namespace),
    );
    if (!stored) return { phase: 'Syncing', conditions: [] };
    return {
      phase: 'Ready',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      outputs: { host: `${deployment.name}.${namespace}.svc`, port: 5432 },
    };
  },
  async destroy(context, target) {
    await requireKubernetes(target, context, 'test').delete(
      configMapRef(context.deployment.name, context.namespace),
    );
  },
  async health() {
    return { status: 'ok' };
  },
};

/** Registers {@link testEngine} with the Nestor plugin. */
export const testEngineModule = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'test-engine',
  register(reg) {
    reg.registerInit({
      deps: { engines: nestorEnginesExtensionPoint },
      async init({ engines }) {
        engines.addEngine(testEngine);
      },
    });
  },
});
