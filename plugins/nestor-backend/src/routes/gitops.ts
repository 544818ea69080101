import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { dnsLabelSchema } from '@nestor/plugin-nestor-common';
import { Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { Caller, CallerResolver } from '../services/caller/CallerResolver';
import { GitOpsOverview, GitOpsReadScope } from '../services/gitops/GitOpsOverview';
import { parseRequestPart } from './requests/parseRequestPart';

/** Options of {@link createGitopsRoutes}. @public */
export interface GitopsRoutesOptions {
  callers: CallerResolver;
  overview: GitOpsOverview;
  /** the teams and environments whose deployments the caller may read */
  readScope(caller: Caller): Promise<GitOpsReadScope>;
  /** throws NotAllowedError unless the caller holds `nestorGitopsSyncPermission` */
  authorizeSync(caller: Caller): Promise<void>;
}

const historyQuerySchema = z
  .object({
    team: dnsLabelSchema.optional(),
    environment: dnsLabelSchema.optional(),
    ref: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+\/[a-z0-9-]+$/, 'must be <team>/<environment>/<name>').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(1000).optional(),
  })
  .strict();

const syncBodySchema = z
  .object({ team: dnsLabelSchema.optional(), app: z.string().min(1).max(63).optional() })
  .strict()
  .refine(b => (b.team === undefined) !== (b.app === undefined), { message: 'give exactly one of "team" and "app"' });


/**
 * `GET /gitops/status` (repositories: last commit, pending pull requests;
 * Argo CD apps: sync and health), `POST /gitops/sync` (`{team}` or `{app}`,
 * needs `nestor.gitops.sync`) and `GET /gitops/history` (the commits Nestor
 * made, with deployment refs). A caller sees only the teams (and
 * environments) whose deployments it may read.
 * @public
 */
export function createGitopsRoutes(options: GitopsRoutesOptions): ExpressRouter {
  const { callers, overview } = options;
  const router = Router();

  router.get('/gitops/status', async (req, res) => {
    const caller = await callers.resolve(req);
    parseRequestPart(z.object({}).strict(), req.query, 'query');
    res.json(await overview.status(await options.readScope(caller)));
  });

  router.post('/gitops/sync', async (req, res) => {
    const caller = await callers.resolve(req);
    const body = parseRequestPart(syncBodySchema, req.body ?? {}, 'request body');
    if (!overview.argoCdEnabled) throw new InputError('No Argo CD instance is configured (nestor.argocd.instances): there is nothing to sync');
    const scope = await options.readScope(caller);
    const apps = await overview.apps(scope);
    if (body.team && !apps.some(a => a.team === body.team)) {
      const all = await overview.apps({ any: true, matches: () => true });
      if (!all.some(a => a.team === body.team)) throw new NotFoundError(`No team "${body.team}" with a GitOps repository (spec.gitops)`);
      throw new NotAllowedError(`${caller.principal} may not read the deployments of team "${body.team}"`);
    }
    await options.authorizeSync(caller);
    res.status(202).json({ items: await overview.sync(scope, body) });
  });

  router.get('/gitops/history', async (req, res) => {
    const caller = await callers.resolve(req);
    const query = parseRequestPart(historyQuerySchema, req.query, 'query');
    const [team, environment] = query.ref?.split('/') ?? [];
    if (query.ref && ((query.team && query.team !== team) || (query.environment && query.environment !== environment))) {
      throw new InputError(`ref: ${query.ref} is not in team "${query.team ?? team}" and environment "${query.environment ?? environment}"`);
    }
    const scope = await options.readScope(caller);
    res.json(await overview.history(scope, { ...query, team: query.team ?? team, environment: query.environment ?? environment }));
  });

  return router;
}
