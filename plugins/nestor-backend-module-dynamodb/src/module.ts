import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { nestorStoreExtensionPoint } from '@nestor/plugin-nestor-node';
import { DynamoDbNestorStore } from './DynamoDbNestorStore';

/**
 * Registers the `dynamodb` Nestor store. It is started only when
 * `nestor.storage.type` is `dynamodb`; then `nestor.storage.dynamodb` must
 * name the table and region.
 * @public
 */
export const nestorModuleDynamoDbStore = createBackendModule({
  pluginId: 'nestor',
  moduleId: 'dynamodb-store',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        metrics: metricsServiceRef,
        stores: nestorStoreExtensionPoint,
      },
      async init({ config, logger, lifecycle, metrics, stores }) {
        stores.setStore({
          type: 'dynamodb',
          factory: async () => {
            const store = await DynamoDbNestorStore.fromConfig(config, {
              logger: logger.child({ store: 'dynamodb' }),
              metrics,
            });
            lifecycle.addShutdownHook(() => store.close());
            return store;
          },
        });
      },
    });
  },
});
