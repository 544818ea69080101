import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  nestorEnginesExtensionPoint,
  readEngineConfig,
} from '@nestor/plugin-nestor-node';
import { terraformEngineConfigSchema } from './config/terraformEngineConfigSchema';
import { TerraformEngine } from './TerraformEngine';

/**
 * Registers the `terraform` deployment engine (`nestor.engines.terraform`).
 * Drift of its direct deployments is checked when the backend's drift
 * monitor asks (`detectDrift`).
 * @public
 */
export const nestorModuleTerraformEngine = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'terraform-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        engines: nestorEnginesExtensionPoint,
      },
      async init({ config, logger, engines }) {
        const engineConfig = readEngineConfig(
          config,
          'terraform',
          terraformEngineConfigSchema,
        );
        const engine = TerraformEngine.create({
          config: engineConfig,
          logger,
        });
        engines.addEngine(engine);
        const health = await engine.health();
        (health.status === 'ok'
          ? logger.info.bind(logger)
          : logger.warn.bind(logger))(
          `Terraform engine registered: ${health.message}`,
        );
      },
    });
  },
});
