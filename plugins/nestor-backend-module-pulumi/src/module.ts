import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { nestorEnginesExtensionPoint, readEngineConfig } from '@nestor/plugin-nestor-node';
import { pulumiEngineConfigSchema } from './config/pulumiEngineConfigSchema';
import { PulumiEngine } from './PulumiEngine';

/**
 * Registers the `pulumi` deployment engine (`nestor.engines.pulumi`).
 * @public
 */
export const nestorModulePulumiEngine = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'pulumi-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        engines: nestorEnginesExtensionPoint,
      },
      async init({ config, logger, engines }) {
        const engineConfig = readEngineConfig(config, 'pulumi', pulumiEngineConfigSchema);
        const engine = PulumiEngine.create({ config: engineConfig, logger });
        engines.addEngine(engine);
        const health = await engine.health();
        const log = health.status === 'ok' ? logger.info.bind(logger) : logger.warn.bind(logger);
        log(`Pulumi engine registered (direct mode ${engineConfig.direct.mode}): ${health.message}`);
      },
    });
  },
});
