import { PermissionsRegistryService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer, createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  CatalogItem,
  NESTOR_DEPLOYMENT_RESOURCE_TYPE,
  nestorCatalogReadPermission,
  nestorDeploymentReadPermission,
} from '@nestor/plugin-nestor-common';
import { Caller } from '../services/caller/CallerResolver';
import { nestorCatalogItemResourceRef } from './catalogItemResourceRef';
import { catalogQueryScope } from './catalogQueryScope';
import { NestorDeploymentResource, nestorDeploymentResourceRef } from './deploymentResourceRef';
import { DeploymentQueryScope, deploymentQueryScope } from './deploymentQueryScope';
import { isItemVisibleToTeams } from './rules';

/** A permission on deployments. @public */
export type DeploymentPermission = ResourcePermission<typeof NESTOR_DEPLOYMENT_RESOURCE_TYPE>;

/**
 * What a caller may do with one deployment permission: a store query scope
 * to narrow lists with, and the exact test for each loaded deployment.
 * @public
 */
export interface DeploymentAccess {
  /** false when nothing can match (skip the query) */
  readonly any: boolean;
  /** narrows the store query; the store filters by it, `matches` decides */
  readonly scope: DeploymentQueryScope;
  matches(resource: NestorDeploymentResource): boolean;
}

/**
 * Which buffet items a caller may see.
 * @public
 */
export interface CatalogAccess {
  /** `CatalogListQuery.visibleToTeams` to narrow the query with; undefined means no narrowing */
  readonly visibleToTeams?: string[];
  matches(item: CatalogItem): boolean;
}

/**
 * The authorization layer routes go through. It asks Backstage's permission
 * framework for a (possibly conditional) decision and turns it into a store
 * query scope plus an exact per-resource test, so lists are filtered in the
 * query and never by loading everything.
 *
 * On top of the decision it applies the caller's team scope where Backstage
 * cannot: a service principal (which Backstage always allows, up to its
 * access restrictions) acts only for the teams `nestor.serviceAccess` maps it
 * to, and when the permission framework is disabled (Backstage then allows
 * everything) users act only for their ownership groups.
 * @public
 */
export class AccessService {
  readonly #permissions: PermissionsService;
  readonly #frameworkEnabled: boolean;
  readonly #deploymentRules: ReturnType<PermissionsRegistryService['getPermissionRuleset']>;
  readonly #catalogRules: ReturnType<PermissionsRegistryService['getPermissionRuleset']>;

  static create(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    /** `permission.enabled` of the app config */
    frameworkEnabled: boolean;
  }): AccessService {
    return new AccessService(options);
  }

  private constructor(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    frameworkEnabled: boolean;
  }) {
    this.#permissions = options.permissions;
    this.#frameworkEnabled = options.frameworkEnabled;
    this.#deploymentRules = options.permissionsRegistry.getPermissionRuleset(nestorDeploymentResourceRef);
    this.#catalogRules = options.permissionsRegistry.getPermissionRuleset(nestorCatalogItemResourceRef);
  }

  /** The teams Nestor itself limits the caller to, or undefined when only the decision counts. */
  teamScope(caller: Caller): string[] | undefined {
    if (caller.kind === 'user' && this.#frameworkEnabled) return undefined;
    return caller.teams === '*' ? undefined : caller.teams;
  }

  async deployments(caller: Caller, permission: DeploymentPermission): Promise<DeploymentAccess> {
    const [access] = await this.deploymentsMany(caller, [permission]);
    return access;
  }

  /** {@link AccessService.deployments} for several permissions in one permission request. */
  async deploymentsMany(caller: Caller, permissions: DeploymentPermission[]): Promise<DeploymentAccess[]> {
    const decisions = await this.#decide(caller, permissions);
    return decisions.map(d => this.#deploymentAccess(caller, d));
  }

  #deploymentAccess(caller: Caller, decision: PolicyDecision): DeploymentAccess {
    const teamScope = this.teamScope(caller);
    const inTeamScope = (r: NestorDeploymentResource) => !teamScope || teamScope.includes(r.team);
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW
        ? { any: teamScope?.length !== 0, scope: { teams: teamScope }, matches: inTeamScope }
        : { any: false, scope: { teams: [] }, matches: () => false };
    }
    const criteria = createConditionTransformer(this.#deploymentRules)(decision.conditions);
    const bound = deploymentQueryScope(criteria);
    const teams = teamScope && bound.teams ? bound.teams.filter(t => teamScope.includes(t)) : teamScope ?? bound.teams;
    const authorize = createConditionAuthorizer(this.#deploymentRules);
    return {
      any: teams?.length !== 0 && bound.environments?.length !== 0,
      scope: { teams, environments: bound.environments },
      matches: r => inTeamScope(r) && authorize(decision, r),
    };
  }

  /**
   * The teams whose deployments (and events) the caller may read, as far as
   * a team list can say it; `'*'` for all. Finer conditions (environments)
   * are for {@link AccessService.deployments} to apply per deployment.
   */
  async readableTeams(caller: Caller): Promise<string[] | '*'> {
    const access = await this.deployments(caller, nestorDeploymentReadPermission);
    if (!access.any) return [];
    return access.scope.teams ?? '*';
  }

  /** Throws NotAllowedError unless the caller holds the permission on the deployment. */
  async authorizeDeployment(
    caller: Caller,
    permission: DeploymentPermission,
    resource: NestorDeploymentResource,
  ): Promise<void> {
    const access = await this.deployments(caller, permission);
    if (!access.matches(resource)) {
      throw new NotAllowedError(
        `${caller.principal} is not allowed ${permission.name} on team "${resource.team}" in environment "${resource.environment}"`,
      );
    }
  }

  async catalog(caller: Caller): Promise<CatalogAccess> {
    const [decision] = await this.#decide(caller, [nestorCatalogReadPermission]);
    const teamScope = this.teamScope(caller);
    const inTeamScope = (item: CatalogItem) => !teamScope || isItemVisibleToTeams(item, teamScope);
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW
        ? { visibleToTeams: teamScope, matches: inTeamScope }
        : { visibleToTeams: [], matches: () => false };
    }
    const bound = catalogQueryScope(createConditionTransformer(this.#catalogRules)(decision.conditions));
    const authorize = createConditionAuthorizer(this.#catalogRules);
    const narrowest = [bound, teamScope].filter((b): b is string[] => b !== undefined).sort((a, b) => a.length - b.length)[0];
    return { visibleToTeams: narrowest, matches: item => inTeamScope(item) && authorize(decision, item) };
  }

  /** Throws NotAllowedError unless the caller holds a permission that has no resource. */
  async authorize(caller: Caller, permission: BasicPermission): Promise<void> {
    const [decision] = await this.#permissions.authorize([{ permission }], { credentials: caller.credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${caller.principal} is not allowed ${permission.name}`);
    }
  }

  async #decide(caller: Caller, permissions: ResourcePermission[]): Promise<PolicyDecision[]> {
    const decisions = await this.#permissions.authorizeConditional(
      permissions.map(permission => ({ permission })),
      { credentials: caller.credentials },
    );
    return decisions.map((decision, i) =>
      decision.result === AuthorizeResult.CONDITIONAL && decision.resourceType !== permissions[i].resourceType
        ? // conditions for another resource type cannot be applied here
          { result: AuthorizeResult.DENY }
        : decision,
    );
  }
}
