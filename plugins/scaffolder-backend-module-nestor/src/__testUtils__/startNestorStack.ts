import { promises as fs } from 'node:fs';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleNestorEntityProvider from '@nestor/plugin-catalog-backend-module-nestor';
import http from 'node:http';
import { scaffolderModuleNestorActions } from '../module';
import { nestorTestConfig, nestorTestFeatures } from './startNestorBackend';
import { writeTestBuffet } from './writeTestBuffet';

/**
 * The whole chain in one `startTestBackend`: the real catalog (with the
 * Template kind and Nestor's entity provider), the real scaffolder with
 * Nestor's actions, and the real Nestor plugin with the `test` engine on
 * the test buffet.
 */
export async function startNestorStack() {
  const buffet = await writeTestBuffet();
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
          catalog: { providers: { nestor: { batchDelayMs: 50 } } },
          nestor: nestorTestConfig(buffet),
        },
      }),
    ],
  });
  return {
    server: backend.server as http.Server,
    async stop() {
      await backend.stop();
      await fs.rm(buffet, { recursive: true, force: true });
    },
  };
}
