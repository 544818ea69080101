import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { nestorEnginesExtensionPoint, readEngineConfig } from '@nestor/plugin-nestor-node';
import { helmEngineConfigSchema } from './config/helmEngineConfigSchema';
import { HelmEngine } from './HelmEngine';

/**
 * Registers the `helm` deployment engine (`nestor.engines.helm`).
 * @public
 */
export const nestorModuleHelmEngine = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'helm-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        engines: nestorEnginesExtensionPoint,
      },
      async init({ config, logger, engines }) {
        const engineConfig = readEngineConfig(config, 'helm', helmEngineConfigSchema);
        engines.addEngine(HelmEngine.create({ config: engineConfig, logger }));
        logger.info(`Helm engine registered (mode ${engineConfig.mode})`);
      },
    });
  },
});
