import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { NESTOR_DEPLOYMENT_RESOURCE_TYPE } from '@nestor/plugin-nestor-common';

/**
 * What deployment permission rules look at: an existing deployment, or the
 * deployment a request would create.
 * @public
 */
export interface NestorDeploymentResource {
  team: string;
  environment: string;
}

/**
 * A store-neutral filter on deployments that rules translate to. Both store
 * implementations can apply it, and {@link deploymentQueryScope} turns a
 * criteria tree of them into a store query.
 * @public
 */
export interface NestorDeploymentFilter {
  property: 'team' | 'environment';
  values: string[];
}

/**
 * The `nestor-deployment` resource type of the permission framework.
 * @public
 */
export const nestorDeploymentResourceRef = createPermissionResourceRef<
  NestorDeploymentResource,
  NestorDeploymentFilter
>().with({ pluginId: 'nestor', resourceType: NESTOR_DEPLOYMENT_RESOURCE_TYPE });
