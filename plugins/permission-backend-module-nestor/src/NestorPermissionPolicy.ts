import { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  createNestorCatalogItemConditionalDecision,
  createNestorDeploymentConditionalDecision,
  nestorCatalogItemConditions,
  nestorDeploymentConditions,
} from '@nestor/plugin-nestor-backend';
import {
  NESTOR_CATALOG_ITEM_RESOURCE_TYPE,
  NESTOR_DEPLOYMENT_RESOURCE_TYPE,
  nestorGitopsReadPermission,
} from '@nestor/plugin-nestor-common';
import { NestorPolicyAction, NestorPolicyConfig, readNestorPolicyConfig } from './readNestorPolicyConfig';

const DEPLOYMENT_ACTIONS: Record<string, NestorPolicyAction> = {
  'nestor.deployment.create': 'create',
  'nestor.deployment.read': 'read',
  'nestor.deployment.update': 'update',
  'nestor.deployment.delete': 'delete',
};

/**
 * The teams a user acts for: the names of their ownership groups (a team id
 * is a Backstage Group name).
 * @public
 */
export function nestorTeamsOf(ownershipEntityRefs: string[]): string[] {
  const teams = ownershipEntityRefs
    .map(ref => parseEntityRef(ref))
    .filter(ref => ref.kind.toLocaleLowerCase('en-US') === 'group')
    .map(ref => ref.name);
  return [...new Set(teams)];
}

/**
 * A team-aware permission policy for Nestor, configured in `app-config.yaml`
 * under `permission.nestor`:
 *
 * - admins (`admins`) may do everything Nestor offers, on every team;
 * - everyone else reads the buffet items their teams may see, and reads,
 *   orders, changes and tears down their own teams' deployments, minus the
 *   per-environment restrictions (`environments`), as conditional decisions
 *   that Nestor applies in its queries;
 * - syncing sources and Argo CD, and force-deleting, are for admins only;
 * - every permission that is not Nestor's goes to the fallback: `allow` or
 *   `deny` from config, or a policy passed in code.
 * @public
 */
export class NestorPermissionPolicy implements PermissionPolicy {
  readonly #config: NestorPolicyConfig;
  readonly #userInfo: UserInfoService;
  readonly #fallback?: PermissionPolicy;

  static fromConfig(config: Config, options: { userInfo: UserInfoService; fallback?: PermissionPolicy }) {
    return new NestorPermissionPolicy(readNestorPolicyConfig(config), options);
  }

  constructor(config: NestorPolicyConfig, options: { userInfo: UserInfoService; fallback?: PermissionPolicy }) {
    this.#config = config;
    this.#userInfo = options.userInfo;
    this.#fallback = options.fallback;
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (!permission.name.startsWith('nestor.')) {
      if (this.#fallback) return this.#fallback.handle(request, user);
      return { result: this.#config.fallback === 'allow' ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (!user) return { result: AuthorizeResult.DENY };

    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(user.credentials);
    const claims = new Set(ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')));
    const holds = (refs: string[]) => refs.some(ref => claims.has(ref.toLocaleLowerCase('en-US')));
    if (holds(this.#config.admins)) return { result: AuthorizeResult.ALLOW };

    const teams = nestorTeamsOf(ownershipEntityRefs);
    if (isResourcePermission(permission, NESTOR_CATALOG_ITEM_RESOURCE_TYPE)) {
      return createNestorCatalogItemConditionalDecision(permission, nestorCatalogItemConditions.isVisibleToTeam({ teams }));
    }
    const action = DEPLOYMENT_ACTIONS[permission.name];
    if (action && isResourcePermission(permission, NESTOR_DEPLOYMENT_RESOURCE_TYPE)) {
      const conditions: PermissionCriteria<PermissionCondition<typeof NESTOR_DEPLOYMENT_RESOURCE_TYPE>>[] = [
        nestorDeploymentConditions.isTeamMember({ teams }),
      ];
      for (const rule of this.#config.environments) {
        if (rule.actions.includes(action) && !holds(rule.allow)) {
          conditions.push({ not: nestorDeploymentConditions.hasEnvironment({ environments: rule.environments }) });
        }
      }
      return createNestorDeploymentConditionalDecision(
        permission,
        conditions.length === 1 ? conditions[0] : { allOf: conditions as [typeof conditions[0], ...typeof conditions] },
      );
    }
    if (permission.name === nestorGitopsReadPermission.name) return { result: AuthorizeResult.ALLOW };
    // catalog and Argo CD syncs, force-delete, and anything new: admins only
    return { result: AuthorizeResult.DENY };
  }
}
