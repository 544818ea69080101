import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  nestorCatalogReadPermission,
  nestorDeploymentCreatePermission,
  nestorDeploymentDeletePermission,
  nestorDeploymentReadPermission,
  nestorDeploymentUpdatePermission,
  nestorPermissions,
} from '@nestor/plugin-nestor-common';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { nestorCatalogItemResourceRef } from './catalogItemResourceRef';
import { nestorDeploymentResourceRef } from './deploymentResourceRef';
import { nestorCatalogItemRules, nestorDeploymentRules } from './rules';

/**
 * Registers Nestor's permissions, its two resource types and their rules with
 * the permission framework. Deployments are loaded by id and buffet items by
 * name when the permission backend evaluates a conditional decision for
 * another plugin.
 * @public
 */
export function registerNestorPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  store: () => NestorStore;
}) {
  const { permissionsRegistry, store } = options;
  const deploymentPermissions = [
    nestorDeploymentCreatePermission,
    nestorDeploymentReadPermission,
    nestorDeploymentUpdatePermission,
    nestorDeploymentDeletePermission,
  ];
  permissionsRegistry.addResourceType({
    resourceRef: nestorDeploymentResourceRef,
    permissions: deploymentPermissions,
    rules: Object.values(nestorDeploymentRules),
    getResources: async ids => Promise.all(ids.map(id => store().deployments.get(id))),
  });
  permissionsRegistry.addResourceType({
    resourceRef: nestorCatalogItemResourceRef,
    permissions: [nestorCatalogReadPermission],
    rules: Object.values(nestorCatalogItemRules),
    getResources: async names => {
      const items = await store().catalog.getItems(names);
      return names.map(n => items.find(i => i.name === n));
    },
  });
  const typed = new Set<string>([...deploymentPermissions, nestorCatalogReadPermission].map(p => p.name));
  permissionsRegistry.addPermissions(nestorPermissions.filter(p => !typed.has(p.name)));
}
