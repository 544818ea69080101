import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GroupEntity } from '@backstage/catalog-model';
import { StoredTeam, TeamStore } from '@nestor/plugin-nestor-node';
import { TeamService } from './TeamService';

function stored(id: string, title?: string): StoredTeam {
  return {
    id,
    config: {
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'TeamConfig',
      metadata: { name: id, title },
      spec: { environments: ['dev'], quotas: {}, grants: [], delivery: 'gitops' },
    },
    source: { id: 'platform', path: `teams/${id}.yaml`, commit: 'abc' },
    updatedAt: '2024-01-01T00:00:00Z',
  };
}

function group(name: string, namespace: string, extra: Partial<GroupEntity['spec']> = {}, members: string[] = []): GroupEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace, description: `${name} in ${namespace}` },
    spec: { type: 'team', children: [], ...extra },
    relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
  };
}

const teamStore = (teams: StoredTeam[]) =>
  ({
    listTeams: async () => teams,
    getTeam: async (id: string) => teams.find(t => t.id === id),
  }) as unknown as TeamStore;

describe('TeamService', () => {
  it('joins team configs with the catalog Group of the same name, preferring the default namespace', async () => {
    const catalog = catalogServiceMock({
      entities: [
        group('team-a', 'other'),
        group('team-a', 'default', { profile: { displayName: 'Team A' }, parent: 'engineering' }, ['user:default/alice', 'user:default/sam']),
        group('unrelated', 'default'),
      ],
    });
    const service = TeamService.create({
      store: teamStore([stored('team-a'), stored('team-b', 'Team B from Git')]),
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    const teams = await service.list();
    expect(teams.map(t => t.id)).toEqual(['team-a', 'team-b']);
    expect(teams[0]).toMatchObject({
      title: 'Team A',
      description: 'team-a in default',
      group: { ref: 'group:default/team-a', members: ['user:default/alice', 'user:default/sam'], parent: 'engineering', children: [] },
    });
    expect(teams[1]).toMatchObject({ title: 'Team B from Git' });
    expect(teams[1].group).toBeUndefined();
    await expect(service.get('team-b')).resolves.toMatchObject({ id: 'team-b' });
    await expect(service.get('nope')).resolves.toBeUndefined();
  });

  it('serves teams without groups when the catalog cannot be reached, and caches groups', async () => {
    const catalog = catalogServiceMock.mock({ getEntities: jest.fn().mockRejectedValue(new Error('catalog down')) });
    const logger = mockServices.logger.mock();
    const service = TeamService.create({ store: teamStore([stored('team-a')]), catalog, auth: mockServices.auth(), logger });
    const [team] = await service.list();
    expect(team.id).toBe('team-a');
    expect(team.group).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('catalog down'));
    await service.list();
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
  });
});
