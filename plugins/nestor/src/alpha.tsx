import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import StorefrontIcon from '@material-ui/icons/Storefront';
import { z } from 'zod/v4';
import { createNestorApi } from './api/createNestorApi';
import { nestorApiRef } from './api/NestorApi';
import {
  buffetItemRouteRef,
  buffetRouteRef,
  deploymentRouteRef,
  deploymentsRouteRef,
} from './routes';

const ENTITY_KINDS = ['component', 'resource', 'system', 'group'];

function isKind(...kinds: string[]) {
  return (entity: Entity) =>
    kinds.includes(entity.kind.toLocaleLowerCase('en-US'));
}

/** `NestorClient` through Backstage's discovery and fetch APIs. @alpha */
export const nestorApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: nestorApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        createNestorApi({ discoveryApi, fetchApi }),
    }),
});

const templateNamespace = {
  /** namespace of the generated Templates, as `catalog.providers.nestor.namespace` */
  templateNamespace: z.string().default('default'),
};

/** The buffet at `/nestor/buffet`, in the sidebar. @alpha */
export const buffetPage = PageBlueprint.makeWithOverrides({
  name: 'buffet',
  configSchema: templateNamespace,
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/nestor/buffet',
      routeRef: buffetRouteRef,
      title: 'Buffet',
      icon: <StorefrontIcon fontSize="inherit" />,
      loader: () =>
        import('./components/BuffetPage/BuffetPage').then(m => (
          <m.BuffetPage templateNamespace={config.templateNamespace} />
        )),
    });
  },
});

/** One buffet item at `/nestor/buffet/:name`. @alpha */
export const buffetItemPage = PageBlueprint.makeWithOverrides({
  name: 'buffet-item',
  configSchema: templateNamespace,
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/nestor/buffet/:name',
      routeRef: buffetItemRouteRef,
      title: 'Buffet',
      loader: () =>
        import('./components/BuffetItemPage/BuffetItemRoute').then(m => (
          <m.BuffetItemRoute templateNamespace={config.templateNamespace} />
        )),
    });
  },
});

/** The live deployments at `/nestor/deployments`, in the sidebar. @alpha */
export const deploymentsPage = PageBlueprint.make({
  name: 'deployments',
  params: {
    path: '/nestor/deployments',
    routeRef: deploymentsRouteRef,
    title: 'Deployments',
    icon: <CloudQueueIcon fontSize="inherit" />,
    loader: () =>
      import('./components/DeploymentsPage/DeploymentsPage').then(m => (
        <m.DeploymentsPage />
      )),
  },
});

/** One deployment at `/nestor/deployments/:id`. @alpha */
export const deploymentPage = PageBlueprint.make({
  name: 'deployment',
  params: {
    path: '/nestor/deployments/:id',
    routeRef: deploymentRouteRef,
    title: 'Deployments',
    loader: () =>
      import('./components/DeploymentPage/DeploymentRoute').then(m => (
        <m.DeploymentRoute />
      )),
  },
});

/** The "Nestor" tab of Component, Resource, System and Group pages. @alpha */
export const entityNestorContent = EntityContentBlueprint.make({
  name: 'nestor',
  params: {
    path: 'nestor',
    title: 'Nestor',
    filter: isKind(...ENTITY_KINDS),
    loader: () =>
      import('./components/EntityNestorContent/EntityNestorContent').then(m => (
        <m.EntityNestorContent />
      )),
  },
});

/** Quota usage per environment on Group pages. @alpha */
export const entityTeamQuotaCard = EntityCardBlueprint.make({
  name: 'quotas',
  params: {
    filter: isKind('group'),
    loader: () =>
      import('./components/TeamQuotaCard/TeamQuotaCard').then(m => (
        <m.TeamQuotaCard />
      )),
  },
});

/**
 * Nestor for Backstage's new frontend system: the buffet and deployments
 * pages, the "Nestor" entity tab, the quota card on Group pages, and the API.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'nestor',
  title: 'Nestor',
  info: { packageJson: () => import('../package.json') },
  routes: {
    buffet: buffetRouteRef,
    buffetItem: buffetItemRouteRef,
    deployments: deploymentsRouteRef,
    deployment: deploymentRouteRef,
  },
  extensions: [
    nestorApi,
    buffetPage,
    buffetItemPage,
    deploymentsPage,
    deploymentPage,
    entityNestorContent,
    entityTeamQuotaCard,
  ],
});
