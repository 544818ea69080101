import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  DeploymentRequest,
  DeploymentVerdict,
  deploymentRequestSchema,
  nestorDeploymentCreatePermission,
  nestorDeploymentDeletePermission,
  nestorDeploymentReadPermission,
  nestorDeploymentUpdatePermission,
  teamIdSchema,
  TeamSummary,
} from '@nestor/plugin-nestor-common';
import Router from 'express-promise-router';
import { AccessService, DeploymentAccess } from '../permissions/AccessService';
import { Caller, callerActsFor, CallerResolver } from '../services/caller/CallerResolver';
import { QuotaService } from '../services/teams/QuotaService';
import { Team, TeamService } from '../services/teams/TeamService';

/** What the caller may do in one environment of a team. @public */
export interface EnvironmentPermissions {
  read: boolean;
  deploy: boolean;
  update: boolean;
  destroy: boolean;
}

const TEAM_PERMISSIONS = [
  nestorDeploymentReadPermission,
  nestorDeploymentCreatePermission,
  nestorDeploymentUpdatePermission,
  nestorDeploymentDeletePermission,
];

function teamPermissions(caller: Caller, team: Team, access: DeploymentAccess[]) {
  const [read, deploy, update, destroy] = access;
  const environments: Record<string, EnvironmentPermissions> = {};
  for (const environment of team.config.spec.environments) {
    const resource = { team: team.id, environment };
    environments[environment] = {
      read: read.matches(resource),
      deploy: deploy.matches(resource),
      update: update.matches(resource),
      destroy: destroy.matches(resource),
    };
  }
  const perEnv = Object.values(environments);
  return {
    member: callerActsFor(caller, team.id),
    read: perEnv.some(p => p.read),
    deploy: perEnv.some(p => p.deploy),
    environments,
  };
}

function parseTeamId(raw: string): string {
  const parsed = teamIdSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`id: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/**
 * `GET /teams`, `GET /teams/{id}/quotas`, `POST /teams/{id}/validate`.
 * @internal
 */
export function createTeamsRoutes(options: {
  callers: CallerResolver;
  access: AccessService;
  teams: TeamService;
  quotas: QuotaService;
  /** the dry run of `POST /deploy`: every admission check, nothing persisted */
  verdict(caller: Caller, request: DeploymentRequest): Promise<DeploymentVerdict>;
}) {
  const { callers, access, teams, quotas } = options;
  const router = Router();

  async function readableTeam(caller: Caller, rawId: string): Promise<Team> {
    const id = parseTeamId(rawId);
    const [team, [read]] = await Promise.all([teams.get(id), access.deploymentsMany(caller, [nestorDeploymentReadPermission])]);
    if (!team) throw new NotFoundError(`No team "${id}": it needs a TeamConfig in a Nestor source`);
    if (!team.config.spec.environments.some(environment => read.matches({ team: id, environment }))) {
      throw new NotAllowedError(`${caller.principal} may not read the deployments of team "${id}"`);
    }
    return team;
  }

  router.get('/teams', async (req, res) => {
    const caller = await callers.resolve(req);
    const [all, decisions] = await Promise.all([teams.list(), options.access.deploymentsMany(caller, TEAM_PERMISSIONS)]);
    const items: TeamSummary[] = all.map(team => {
      const permissions = teamPermissions(caller, team, decisions);
      // a team's configuration (repos, quotas) is shown to those who may read its deployments
      const { config, source, ...rest } = team;
      return permissions.read ? { ...rest, config, source, permissions } : { ...rest, permissions };
    });
    res.json({ items });
  });

  router.get('/teams/:id/quotas', async (req, res) => {
    const caller = await callers.resolve(req);
    const team = await readableTeam(caller, req.params.id);
    res.json(await quotas.usage(team.id));
  });

  router.post('/teams/:id/validate', async (req, res) => {
    const caller = await callers.resolve(req);
    const id = parseTeamId(req.params.id);
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : undefined;
    if (!body) throw new InputError('request body: must be a deployment request (a JSON object)');
    if (body.team !== undefined && body.team !== id) {
      throw new InputError(`team: the body names team "${body.team}" but the path names "${id}"`);
    }
    const parsed = deploymentRequestSchema.safeParse({ ...body, team: id });
    if (!parsed.success) {
      const reasons = parsed.error.issues.map(i => `${i.path.join('.') || '(body)'}: ${i.message}`);
      throw new InputError(`Invalid deployment request: ${reasons.join('; ')}`);
    }
    res.json(await options.verdict(caller, parsed.data));
  });

  return router;
}
