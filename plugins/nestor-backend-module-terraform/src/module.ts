import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  nestorEnginesExtensionPoint,
  readEngineConfig,
} from '@nestor/plugin-nestor-node';
import { terraformEngineConfigSchema } from './config/terraformEngineConfigSchema';
import { TerraformDriftDetector } from './direct/TerraformDriftDetector';
import { TerraformEngine } from './TerraformEngine';

/**
 * Registers the `terraform` deployment engine (`nestor.engines.terraform`)
 * and schedules drift detection of its direct deployments.
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
        scheduler: coreServices.scheduler,
        engines: nestorEnginesExtensionPoint,
      },
      async init({ config, logger, scheduler, engines }) {
        const engineConfig = readEngineConfig(
          config,
          'terraform',
          terraformEngineConfigSchema,
        );
        const engine = TerraformEngine.create({ config: engineConfig });
        engines.addEngine(engine);
        const health = await engine.health();
        (health.status === 'ok'
          ? logger.info.bind(logger)
          : logger.warn.bind(logger))(
          `Terraform engine registered: ${health.message}`,
        );
        if (health.status === 'ok') {
          await TerraformDriftDetector.create({
            cli: engine.cli,
            logger: logger.child({ task: 'terraform-drift' }),
          }).schedule(scheduler, engineConfig.direct.driftDetection);
        }
      },
    });
  },
});
