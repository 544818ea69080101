import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of deployments in the permission framework. @public */
export const NESTOR_DEPLOYMENT_RESOURCE_TYPE = 'nestor-deployment';
/** Resource type of buffet items in the permission framework. @public */
export const NESTOR_CATALOG_ITEM_RESOURCE_TYPE = 'nestor-catalog-item';

/** See a buffet item. @public */
export const nestorCatalogReadPermission = createPermission({
  name: 'nestor.catalog.read',
  attributes: { action: 'read' },
  resourceType: NESTOR_CATALOG_ITEM_RESOURCE_TYPE,
});

/** Trigger a sync of a catalog source. @public */
export const nestorCatalogSyncPermission = createPermission({
  name: 'nestor.catalog.sync',
  attributes: { action: 'update' },
});

/** Order a deployment (the resource ref is the would-be deployment's ref). @public */
export const nestorDeploymentCreatePermission = createPermission({
  name: 'nestor.deployment.create',
  attributes: { action: 'create' },
  resourceType: NESTOR_DEPLOYMENT_RESOURCE_TYPE,
});

/** See a deployment and its events. @public */
export const nestorDeploymentReadPermission = createPermission({
  name: 'nestor.deployment.read',
  attributes: { action: 'read' },
  resourceType: NESTOR_DEPLOYMENT_RESOURCE_TYPE,
});

/** Change a deployment: rollback, redeploy. @public */
export const nestorDeploymentUpdatePermission = createPermission({
  name: 'nestor.deployment.update',
  attributes: { action: 'update' },
  resourceType: NESTOR_DEPLOYMENT_RESOURCE_TYPE,
});

/** Cancel or tear down a deployment. @public */
export const nestorDeploymentDeletePermission = createPermission({
  name: 'nestor.deployment.delete',
  attributes: { action: 'delete' },
  resourceType: NESTOR_DEPLOYMENT_RESOURCE_TYPE,
});

/** Tear down a deployment others still depend on. @public */
export const nestorDeploymentForceDeletePermission = createPermission({
  name: 'nestor.deployment.force-delete',
  attributes: { action: 'delete' },
});

/** Trigger an Argo CD sync. @public */
export const nestorGitopsSyncPermission = createPermission({
  name: 'nestor.gitops.sync',
  attributes: { action: 'update' },
});

/** Read GitOps status and history. @public */
export const nestorGitopsReadPermission = createPermission({
  name: 'nestor.gitops.read',
  attributes: { action: 'read' },
});

/** Every Nestor permission. @public */
export const nestorPermissions = [
  nestorCatalogReadPermission,
  nestorCatalogSyncPermission,
  nestorDeploymentCreatePermission,
  nestorDeploymentReadPermission,
  nestorDeploymentUpdatePermission,
  nestorDeploymentDeletePermission,
  nestorDeploymentForceDeletePermission,
  nestorGitopsSyncPermission,
  nestorGitopsReadPermission,
];
