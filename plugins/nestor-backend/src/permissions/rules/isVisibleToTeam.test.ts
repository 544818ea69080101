import { CatalogItem, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { isVisibleToTeam } from './isVisibleToTeam';

function item(owner: string, visibility: ResourceDefinition['spec']['visibility']): CatalogItem {
  return {
    name: 'db',
    definition: {
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'ResourceDefinition',
      metadata: { name: 'db', owner, tags: [] },
      spec: {
        type: 'database.postgresql',
        version: '1.0.0',
        engine: 'helm',
        parameters: {},
        outputs: [],
        requires: [],
        visibility,
        environments: ['dev'],
        helm: { repo: 'https://charts.example.com', chart: 'db', version: '1.0.0' },
      },
    } as ResourceDefinition,
    source: { id: 's', url: 'u', path: 'p', commit: 'c' },
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-01T00:00:00Z',
  };
}

describe('isVisibleToTeam', () => {
  describe('apply', () => {
    it('shows a public item to any team, even to none', () => {
      expect(isVisibleToTeam.apply(item('team-platform', { public: true }), { teams: [] })).toBe(true);
    });

    it('shows a restricted item to a team it is shared with', () => {
      expect(isVisibleToTeam.apply(item('team-platform', { teams: ['team-a', 'team-b'] }), { teams: ['team-b'] })).toBe(true);
    });

    it('shows a restricted item to its owner', () => {
      expect(isVisibleToTeam.apply(item('team-platform', { teams: ['team-a'] }), { teams: ['team-platform'] })).toBe(true);
    });

    it('hides a restricted item from other teams', () => {
      expect(isVisibleToTeam.apply(item('team-platform', { teams: ['team-a'] }), { teams: ['team-c'] })).toBe(false);
    });
  });

  describe('toQuery', () => {
    it('becomes the visibleToTeams filter of a catalog query', () => {
      expect(isVisibleToTeam.toQuery({ teams: ['team-a'] })).toEqual({ visibleToTeams: ['team-a'] });
    });
  });
});
