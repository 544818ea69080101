import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import nestorPlugin from '@nestor/plugin-nestor/alpha';
import { navModule } from './modules/navModule';
import { signInModule } from './modules/signInModule';

/**
 * The Nestor app. Features are listed explicitly rather than discovered, so
 * what ships is what this file says.
 */
export default createApp({
  features: [
    catalogPlugin,
    catalogGraphPlugin,
    orgPlugin,
    scaffolderPlugin,
    userSettingsPlugin,
    // Nestor: buffet and deployments pages, the "Nestor" entity tab, quota card.
    nestorPlugin,
    signInModule,
    navModule,
  ],
});
