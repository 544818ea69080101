import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { CatalogItem, NESTOR_CATALOG_ITEM_RESOURCE_TYPE } from '@nestor/plugin-nestor-common';

/**
 * A store-neutral filter on buffet items: items visible to any of these teams
 * (public items, items whose visibility lists one of them, items they own),
 * which is exactly `CatalogListQuery.visibleToTeams`.
 * @public
 */
export interface NestorCatalogItemFilter {
  visibleToTeams: string[];
}

/**
 * The `nestor-catalog-item` resource type of the permission framework.
 * @public
 */
export const nestorCatalogItemResourceRef = createPermissionResourceRef<
  CatalogItem,
  NestorCatalogItemFilter
>().with({ pluginId: 'nestor', resourceType: NESTOR_CATALOG_ITEM_RESOURCE_TYPE });
