import { hasEnvironment } from './hasEnvironment';
import { isTeamMember } from './isTeamMember';
import { isVisibleToTeam } from './isVisibleToTeam';

/**
 * Permission rules of the `nestor-deployment` resource type.
 * @public
 */
export const nestorDeploymentRules = { isTeamMember, hasEnvironment };

/**
 * Permission rules of the `nestor-catalog-item` resource type.
 * @public
 */
export const nestorCatalogItemRules = { isVisibleToTeam };

export { isItemVisibleToTeams } from './isVisibleToTeam';
