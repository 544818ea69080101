import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { CatalogItem, nestorDeploymentReadPermission, nestorGitopsSyncPermission } from '@nestor/plugin-nestor-common';
import { Caller } from '../services/caller/CallerResolver';
import { AccessService } from './AccessService';
import { nestorCatalogItemConditions, nestorDeploymentConditions } from './conditionExports';
import { nestorCatalogItemRules, nestorDeploymentRules } from './rules';

const rules = [...Object.values(nestorDeploymentRules), ...Object.values(nestorCatalogItemRules)];
const registry = mockServices.permissionsRegistry.mock({
  getPermissionRuleset: (() => ({ getRuleByName: (name: string) => rules.find(r => r.name === name)! })) as any,
});

function accessWith(decision: PolicyDecision, frameworkEnabled = true) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: jest.fn(async requests => requests.map(() => decision)) as any,
    authorize: jest.fn(async requests => requests.map(() => ({ result: decision.result as any }))) as any,
  });
  return { permissions, access: AccessService.create({ permissions, permissionsRegistry: registry, frameworkEnabled }) };
}

const user = (teams: string[]): Caller => ({ kind: 'user', principal: 'user:default/alice', credentials: mockCredentials.user('user:default/alice'), teams });
const service = (teams: string[] | '*'): Caller => ({ kind: 'service', principal: 'billing', credentials: mockCredentials.service('billing'), teams });

const conditional = (conditions: any, resourceType = 'nestor-deployment'): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'nestor',
  resourceType,
  conditions,
});

describe('AccessService', () => {
  it('turns a conditional decision into a store scope and an exact per-deployment test', async () => {
    const { access } = accessWith(
      conditional({
        allOf: [
          nestorDeploymentConditions.isTeamMember({ teams: ['team-a', 'team-b'] }),
          { not: nestorDeploymentConditions.hasEnvironment({ environments: ['prod'] }) },
        ],
      }),
    );
    const reads = await access.deployments(user(['team-a']), nestorDeploymentReadPermission);
    expect(reads.any).toBe(true);
    expect(reads.scope).toEqual({ teams: ['team-a', 'team-b'], environments: undefined });
    expect(reads.matches({ team: 'team-b', environment: 'dev' })).toBe(true);
    expect(reads.matches({ team: 'team-b', environment: 'prod' })).toBe(false);
    expect(reads.matches({ team: 'team-c', environment: 'dev' })).toBe(false);
    await expect(access.readableTeams(user(['team-a']))).resolves.toEqual(['team-a', 'team-b']);
  });

  it('limits a service principal to its serviceAccess teams, whatever Backstage allowed', async () => {
    const { access } = accessWith({ result: AuthorizeResult.ALLOW });
    const reads = await access.deployments(service(['team-a']), nestorDeploymentReadPermission);
    expect(reads.scope.teams).toEqual(['team-a']);
    expect(reads.matches({ team: 'team-b', environment: 'dev' })).toBe(false);
    await expect(access.readableTeams(service('*'))).resolves.toBe('*');
    await expect(access.readableTeams(service([]))).resolves.toEqual([]);
  });

  it('limits users to their own teams when the permission framework is off, and not when it is on', async () => {
    const off = accessWith({ result: AuthorizeResult.ALLOW }, false).access;
    await expect(off.readableTeams(user(['team-a']))).resolves.toEqual(['team-a']);
    const on = accessWith({ result: AuthorizeResult.ALLOW }, true).access;
    await expect(on.readableTeams(user(['team-a']))).resolves.toBe('*');
  });

  it('denies everything on DENY, and on conditions for another resource type', async () => {
    const denied = await accessWith({ result: AuthorizeResult.DENY }).access.deployments(user(['team-a']), nestorDeploymentReadPermission);
    expect(denied.any).toBe(false);
    expect(denied.matches({ team: 'team-a', environment: 'dev' })).toBe(false);
    const foreign = accessWith(conditional({ rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: {} }, 'catalog-entity'));
    const reads = await foreign.access.deployments(user(['team-a']), nestorDeploymentReadPermission);
    expect(reads.any).toBe(false);
  });

  it('throws NotAllowedError naming the permission, team and environment', async () => {
    const { access } = accessWith(conditional(nestorDeploymentConditions.isTeamMember({ teams: ['team-a'] })));
    await expect(
      access.authorizeDeployment(user(['team-a']), nestorDeploymentReadPermission, { team: 'team-b', environment: 'dev' }),
    ).rejects.toThrow('user:default/alice is not allowed nestor.deployment.read on team "team-b" in environment "dev"');
    await expect(
      access.authorizeDeployment(user(['team-a']), nestorDeploymentReadPermission, { team: 'team-a', environment: 'dev' }),
    ).resolves.toBeUndefined();
  });

  it('narrows buffet queries with the narrowest team list and tests each item exactly', async () => {
    const item = (visibility: any): CatalogItem => ({ definition: { metadata: { owner: 'team-p' }, spec: { visibility } } }) as any;
    const { access } = accessWith(conditional(nestorCatalogItemConditions.isVisibleToTeam({ teams: ['team-a', 'team-b'] }), 'nestor-catalog-item'));
    const forService = await access.catalog(service(['team-b']));
    expect(forService.visibleToTeams).toEqual(['team-b']);
    expect(forService.matches(item({ teams: ['team-a'] }))).toBe(false);
    expect(forService.matches(item({ teams: ['team-b'] }))).toBe(true);
    expect(forService.matches(item({ public: true }))).toBe(true);
  });

  it('authorizes permissions without a resource', async () => {
    await expect(accessWith({ result: AuthorizeResult.DENY }).access.authorize(user([]), nestorGitopsSyncPermission)).rejects.toThrow(
      'user:default/alice is not allowed nestor.gitops.sync',
    );
  });
});
