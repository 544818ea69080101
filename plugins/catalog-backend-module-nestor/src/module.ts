import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { NestorEntityProvider } from './provider/NestorEntityProvider';

/**
 * Adds {@link NestorEntityProvider} to the catalog: buffet items, a
 * Template per item and deployments, configured by `catalog.providers.nestor`.
 * @public
 */
export const catalogModuleNestorEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'nestor-entity-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        catalog,
        config,
        discovery,
        auth,
        scheduler,
        logger,
        lifecycle,
      }) {
        const provider = NestorEntityProvider.fromConfig(config, {
          discovery,
          auth,
          scheduler,
          logger,
        });
        catalog.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.close());
      },
    });
  },
});
