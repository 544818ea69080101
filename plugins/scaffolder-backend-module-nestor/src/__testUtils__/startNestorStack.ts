import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleNestorEntityProvider from '@nestor/plugin-catalog-backend-module-nestor';
import http from 'node:http';
import path from 'node:path';
import { scaffolderModuleNestorActions } from '../module';
import { nestorTestFeatures, startNestorWorld } from './startNestorBackend';
import { EXAMPLES_DIR } from './writeTestBuffet';

/**
 * The whole chain in one `startTestBackend`: the real catalog (with the
 * Template kind and Nestor's entity provider), the real scaffolder with
 * Nestor's actions, and the real Nestor plugin with the `test` engine on
 * the test buffet; the catalog also reads the examples' hand-written
 * template.
 */
export async function startNestorStack() {
  const world = await startNestorWorld();
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleNestorEntityProvider,
      scaffolderPlugin,
      scaffolderModuleNestorActions,
      ...nestorTestFeatures,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          catalog: {
            providers: { nestor: { batchDelayMs: 50 } },
            // the hand-written template of the examples, as app-config.yaml registers it
            locations: [
              {
                type: 'file',
                target: path.join(
                  EXAMPLES_DIR,
                  'templates',
                  'order-database-and-service.yaml',
                ),
                rules: [{ allow: ['Template'] }],
              },
            ],
          },
          nestor: world.config,
        },
      }),
    ],
  });
  return {
    server: backend.server as http.Server,
    async stop() {
      await backend.stop();
      await world.stop();
    },
  };
}
