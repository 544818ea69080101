import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  DeploymentEngine,
  nestorEnginesExtensionPoint,
} from '@nestor/plugin-nestor-node';
import { TestEngine } from './TestEngine';

/** A backend module that registers one engine (a {@link TestEngine} by default) with the Nestor plugin. */
export function testEngineModule(engine: DeploymentEngine = new TestEngine()) {
  return createBackendModule({
    pluginId: 'nestor',
    moduleId: 'test-engine',
    register(env) {
      env.registerInit({
        deps: { engines: nestorEnginesExtensionPoint },
        async init({ engines }) {
          engines.addEngine(engine);
        },
      });
    },
  });
}
