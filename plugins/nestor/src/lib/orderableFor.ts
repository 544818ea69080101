import type { CatalogItem, TeamSummary } from '@nestor/plugin-nestor-common';

/**
 * The teams and environments the caller may order an item for: teams the
 * item is visible to, in the item's environments where the caller holds
 * `nestor.deployment.create` (as `GET /teams` reports it).
 * @public
 */
export function orderableFor(
  item: CatalogItem,
  teams: readonly TeamSummary[],
): Array<{ team: string; environments: string[] }> {
  const { metadata, spec } = item.definition;
  const visibleTo = (team: string) =>
    'public' in spec.visibility ||
    team === metadata.owner ||
    spec.visibility.teams.includes(team);
  return teams
    .filter(t => visibleTo(t.id))
    .map(t => ({
      team: t.id,
      environments: spec.environments.filter(
        env => t.permissions.environments[env]?.deploy,
      ),
    }))
    .filter(t => t.environments.length > 0);
}
