import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGetCatalogItemAction } from './actions/catalog/get';
import { createValidateDependenciesAction } from './actions/dependencies/validate';
import { createDeployAction } from './actions/deploy';
import { NestorClientFactory } from './services/NestorClientFactory';

/**
 * Adds Nestor's actions to the scaffolder: `nestor:deploy`,
 * `nestor:dependencies:validate` and `nestor:catalog:get`.
 * @public
 */
export const scaffolderModuleNestorActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'nestor-actions',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, discovery, auth, catalog }) {
        const clients = NestorClientFactory.fromConfig(config, {
          discovery,
          auth,
        });
        scaffolder.addActions(
          createDeployAction({ clients, catalog }),
          createValidateDependenciesAction({ clients, catalog }),
          createGetCatalogItemAction({ clients }),
        );
      },
    });
  },
});
