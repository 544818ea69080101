import {
  AuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { AccessService } from '../../permissions/AccessService';
import { PermissionAdmissionCheck } from '../../permissions/PermissionAdmissionCheck';
import { registerNestorPermissions } from '../../permissions/registerNestorPermissions';
import { createTeamsRoutes } from '../../routes/teams';
import { CallerResolver } from '../caller/CallerResolver';
import { DefinitionCatalog } from '../dependencies/DefinitionCatalog';
import { NestorEventPublisher } from '../events/types';
import { CedarPolicyEngine } from '../policies/CedarPolicyEngine';
import { createCedarPolicySetValidator } from '../policies/createCedarPolicySetValidator';
import { loadCedarSchema } from '../policies/loadCedarSchema';
import { PolicyAdmissionCheck } from '../policies/PolicyAdmissionCheck';
import { createSchemaCheck } from './createSchemaCheck';
import { DefinitionCheck, DeploymentVerdictService } from './DeploymentVerdictService';
import { QuotaAdmissionCheck } from './QuotaAdmissionCheck';
import { QuotaService } from './QuotaService';
import { TeamService } from './TeamService';

/**
 * Builds the authorization, team, quota and policy services of the plugin,
 * registers Nestor's permissions and resource types, and the `/teams` routes.
 * `plugin.ts` hands the admission checks to the coordinator and the policy
 * validator to catalog sync.
 * @internal
 */
export function createTeamServices(options: {
  config: RootConfigService;
  logger: LoggerService;
  store: NestorStore;
  events: NestorEventPublisher;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auth: AuthService;
  catalog: CatalogService;
  callers: CallerResolver;
  dependencies?: DefinitionCheck;
}) {
  const { store, logger, events } = options;
  registerNestorPermissions({ permissionsRegistry: options.permissionsRegistry, store: () => store });
  const access = AccessService.create({
    permissions: options.permissions,
    permissionsRegistry: options.permissionsRegistry,
    frameworkEnabled: options.config.getOptionalBoolean('permission.enabled') ?? false,
  });
  const teams = TeamService.create({ store: store.teams, catalog: options.catalog, auth: options.auth, logger });
  const quotas = QuotaService.create({ teams: store.teams, events });
  const schema = loadCedarSchema();
  const policyEngine = CedarPolicyEngine.create({ store: store.policies, schema, logger: logger.child({ service: 'policies' }) });
  const checks = {
    permission: PermissionAdmissionCheck.create({ access }),
    policy: PolicyAdmissionCheck.create({ engine: policyEngine, events, allTeams: () => teams.ids() }),
    quota: QuotaAdmissionCheck.create({ quotas }),
  };
  const verdicts = DeploymentVerdictService.create({
    async resolve(name, range) {
      const definitions = new DefinitionCatalog(store.catalog);
      await definitions.load([name]);
      return definitions.resolve(name, range);
    },
    schema: createSchemaCheck({ teams: store.teams }),
    dependencies: options.dependencies,
    ...checks,
  });
  const routes = createTeamsRoutes({
    callers: options.callers,
    access,
    teams,
    quotas,
    verdict: (caller, request) => verdicts.verdict(caller, request),
  });
  return { access, teams, quotas, policyEngine, policyValidator: createCedarPolicySetValidator({ schema }), checks, verdicts, routes };
}
