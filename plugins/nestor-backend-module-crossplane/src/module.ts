import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { nestorEnginesExtensionPoint } from '@nestor/plugin-nestor-node';
import { CrossplaneEngine } from './engine/CrossplaneEngine';
import { PipelineStep } from './manifests/generateComposition';

/**
 * Registers the Crossplane engine with the Nestor backend.
 * @public
 */
export const nestorModuleCrossplane = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'crossplane',
  register(env) {
    env.registerInit({
      deps: { engines: nestorEnginesExtensionPoint, config: coreServices.rootConfig, logger: coreServices.logger },
      async init({ engines, config, logger }) {
        const pipeline = config.getOptionalConfigArray('nestor.engines.crossplane.defaultPipeline')?.map(c => c.get() as PipelineStep);
        for (const [i, step] of (pipeline ?? []).entries()) {
          if (typeof step.step !== 'string' || typeof step.functionRef?.name !== 'string') {
            throw new Error(`nestor.engines.crossplane.defaultPipeline[${i}]: needs "step" and "functionRef.name"`);
          }
        }
        engines.addEngine(CrossplaneEngine.create({ defaultPipeline: pipeline, logger }));
      },
    });
  },
});
