import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@backstage/plugin-permission-node';
import { NestorCatalogItemFilter } from './catalogItemResourceRef';

function isFilter(value: unknown): value is NestorCatalogItemFilter {
  return Array.isArray((value as NestorCatalogItemFilter)?.visibleToTeams);
}

/**
 * Narrows a conditional decision's criteria on buffet items to the
 * `visibleToTeams` filter of a store query (a superset of what the criteria
 * allow), or `undefined` when it cannot be narrowed. `allOf` keeps its
 * narrowest bounded child, `anyOf` unites the teams of its children, `not`
 * and unknown filters are open.
 * @public
 */
export function catalogQueryScope(criteria: PermissionCriteria<unknown>): string[] | undefined {
  if (isAndCriteria(criteria)) {
    const bounded = criteria.allOf.map(catalogQueryScope).filter((b): b is string[] => b !== undefined);
    return bounded.sort((a, b) => a.length - b.length)[0];
  }
  if (isOrCriteria(criteria)) {
    const bounds = criteria.anyOf.map(catalogQueryScope);
    if (bounds.some(b => b === undefined)) return undefined;
    return [...new Set(bounds.flatMap(b => b!))];
  }
  if (isNotCriteria(criteria) || !isFilter(criteria)) return undefined;
  return [...criteria.visibleToTeams];
}
