import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  DeploymentEngine,
  nestorEnginesExtensionPoint,
} from '@nestor/plugin-nestor-node';

/**
 * A deployment engine for these tests, registered as `test`: it renders one
 * ConfigMap, applies directly (nothing runs here to apply to) and reports
 * Ready with `host` and `port` outputs, or Failed when the deployment's
 * name starts with `fail-`. The real engines need a Kubernetes API or
 * Argo CD; these tests are about the scaffolder and the catalog.
 */
export const testEngine: DeploymentEngine = {
  name: 'test',
  capabilities: { delivery: ['direct'], outputs: true, drift: false },
  async validate() {
    return [];
  },
  async render({ deployment, parameters }) {
    return {
      artifacts: [
        {
          path: 'configmap.yaml',
          kind: 'ConfigMap',
          apiVersion: 'v1',
          content: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: deployment.name },
            data: parameters,
          }),
        },
      ],
    };
  },
  async apply() {},
  async status({ deployment }) {
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
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      };
    }
    return {
      phase: 'Ready',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
      outputs: {
        host: `${deployment.name}.${deployment.team}.svc`,
        port: 5432,
      },
    };
  },
  async destroy() {},
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
