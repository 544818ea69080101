import { createPermissionRule } from '@backstage/plugin-permission-node';
import { CatalogItem } from '@nestor/plugin-nestor-common';
import { z } from 'zod';
import { nestorCatalogItemResourceRef } from '../catalogItemResourceRef';

/**
 * True when the buffet item is visible to one of the teams: it is public, its
 * visibility lists one of them, or one of them owns it.
 * @public
 */
export function isItemVisibleToTeams(item: CatalogItem, teams: readonly string[]): boolean {
  const { metadata, spec } = item.definition;
  if ('public' in spec.visibility) return true;
  if (teams.includes(metadata.owner)) return true;
  return spec.visibility.teams.some(t => teams.includes(t));
}

/**
 * Buffet items one of the given teams may see.
 * @public
 */
export const isVisibleToTeam = createPermissionRule({
  name: 'IS_VISIBLE_TO_TEAM',
  description: 'Allow buffet items that are public, owned by or shared with one of the given teams',
  resourceRef: nestorCatalogItemResourceRef,
  paramsSchema: z.object({
    teams: z.array(z.string()).describe('team ids; a policy usually passes the names of the user\'s ownership groups'),
  }),
  apply: (item, { teams }) => isItemVisibleToTeams(item, teams),
  toQuery: ({ teams }) => ({ visibleToTeams: teams }),
});
