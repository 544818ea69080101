import { createApiRef } from '@backstage/frontend-plugin-api';
import type { NestorClient } from '@nestor/plugin-nestor-common';

/**
 * What Nestor's frontend asks of the backend: the REST calls its pages use
 * and the live event stream. {@link @nestor/plugin-nestor-common#NestorClient}
 * implements it; tests and adopters may swap in their own.
 * @public
 */
export type NestorApi = Pick<
  NestorClient,
  | 'listCatalog'
  | 'getCatalogItem'
  | 'getCatalogItemVersions'
  | 'listDeployments'
  | 'getDeployment'
  | 'deleteDeployment'
  | 'rollbackDeployment'
  | 'listDependencies'
  | 'getDependencyGraph'
  | 'getImpact'
  | 'listTeams'
  | 'getTeamQuotas'
  | 'listEngines'
  | 'subscribe'
>;

/**
 * The API ref of {@link NestorApi}.
 * @public
 */
export const nestorApiRef = createApiRef<NestorApi>().with({
  id: 'plugin.nestor.api',
  pluginId: 'nestor',
});
