import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { nestorCatalogReadPermission, nestorDeploymentCreatePermission } from '@nestor/plugin-nestor-common';
import { NestorPermissionPolicy, nestorTeamsOf } from './NestorPermissionPolicy';

const user = (ref: string) => ({ credentials: mockCredentials.user(ref), info: { userEntityRef: ref, ownershipEntityRefs: [] } });

describe('NestorPermissionPolicy', () => {
  const userInfo = mockServices.userInfo({ ownershipEntityRefs: ['user:default/alice', 'group:default/team-a', 'group:other/team-x'] });

  it('takes the names of ownership groups as teams', () => {
    expect(nestorTeamsOf(['user:default/alice', 'group:default/team-a', 'group:other/team-x', 'group:default/team-a'])).toEqual([
      'team-a',
      'team-x',
    ]);
  });

  it('hands permissions that are not Nestor\'s to a fallback policy given in code', async () => {
    const fallback = { handle: jest.fn(async () => ({ result: AuthorizeResult.DENY })) };
    const policy = new NestorPermissionPolicy({ admins: [], environments: [], fallback: 'allow' }, { userInfo, fallback });
    const other = createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' } });
    await expect(policy.handle({ permission: other }, user('user:default/alice'))).resolves.toEqual({ result: AuthorizeResult.DENY });
    expect(fallback.handle).toHaveBeenCalledWith({ permission: other }, expect.anything());
  });

  it('denies Nestor permissions without a user', async () => {
    const policy = new NestorPermissionPolicy({ admins: [], environments: [], fallback: 'allow' }, { userInfo });
    await expect(policy.handle({ permission: nestorDeploymentCreatePermission })).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('scopes buffet items to what the user\'s teams may see', async () => {
    const policy = new NestorPermissionPolicy({ admins: [], environments: [], fallback: 'allow' }, { userInfo });
    await expect(policy.handle({ permission: nestorCatalogReadPermission }, user('user:default/alice'))).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'nestor',
      resourceType: 'nestor-catalog-item',
      conditions: { rule: 'IS_VISIBLE_TO_TEAM', resourceType: 'nestor-catalog-item', params: { teams: ['team-a', 'team-x'] } },
    });
  });

  it('lets a user listed directly in an environment rule through', async () => {
    const policy = new NestorPermissionPolicy(
      { admins: [], environments: [{ environments: ['prod'], allow: ['user:default/alice'], actions: ['create'] }], fallback: 'allow' },
      { userInfo },
    );
    const decision = await policy.handle({ permission: nestorDeploymentCreatePermission }, user('user:default/alice'));
    expect(decision).toMatchObject({ conditions: { rule: 'IS_TEAM_MEMBER' } });
  });
});
