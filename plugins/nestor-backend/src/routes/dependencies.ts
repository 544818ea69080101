import { NotAllowedError } from '@backstage/errors';
import { deploymentRefSchema, deploymentRequestSchema, teamIdSchema } from '@nestor/plugin-nestor-common';
import { Request, Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import * as semver from 'semver';
import { z } from 'zod';
import { DependencyService } from '../services/dependencies/DependencyService';
import { renderDot } from '../services/dependencies/renderDot';
import { renderMermaid } from '../services/dependencies/renderMermaid';
import { parseRequestPart } from './requests/parseRequestPart';

/**
 * Who is calling, as far as the dependency routes need it: the teams the
 * caller acts for, or `'*'` for all. Throws (AuthenticationError) when the
 * request carries no valid credentials.
 * @public
 */
export type ResolveDependencyCaller = (req: Request) => Promise<{ teams: string[] | '*' }>;

/** Options of {@link createDependenciesRoutes}. @public */
export interface DependenciesRoutesOptions {
  dependencies: Pick<DependencyService, 'validate' | 'edges' | 'graph' | 'impact' | 'visibleTeamsFor'>;
  resolveCaller: ResolveDependencyCaller;
}

const validateBodySchema = z
  .object({
    requests: z
      .array(
        deploymentRequestSchema.superRefine((request, ctx) => {
          if (!semver.validRange(request.version)) {
            ctx.addIssue({ code: 'custom', path: ['version'], message: `"${request.version}" is not a valid semver range` });
          }
        }),
      )
      .min(1, 'give at least one request')
      .max(1000, 'at most 1000 requests at once')
      .superRefine((requests, ctx) => {
        const seen = new Map<string, number>();
        requests.forEach((r, i) => {
          const ref = `${r.team}/${r.environment}/${r.name}`;
          const first = seen.get(ref);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', path: [i], message: `${ref} is already requested by requests.${first}` });
          }
          seen.set(ref, i);
        });
      }),
  })
  .strict();

const edgesQuerySchema = z.object({ team: teamIdSchema.optional() }).strict();

const graphQuerySchema = z
  .object({
    team: teamIdSchema.optional(),
    root: deploymentRefSchema.optional(),
    format: z.enum(['json', 'dot', 'mermaid']).default('json'),
  })
  .strict();

const impactQuerySchema = z.object({ ref: deploymentRefSchema }).strict();


/**
 * `POST /validate-dependencies`, `GET /dependencies`, `GET /dependencies/graph`
 * and `GET /dependencies/impact`. Readers see the deployments of their teams
 * and of the teams that grant them; a request may only be validated for a
 * team the caller acts for.
 * @public
 */
export function createDependenciesRoutes(options: DependenciesRoutesOptions): ExpressRouter {
  const { dependencies, resolveCaller } = options;
  const router = Router();

  router.post('/validate-dependencies', async (req, res) => {
    const caller = await resolveCaller(req);
    const { requests } = parseRequestPart(validateBodySchema, req.body, 'body');
    if (caller.teams !== '*') {
      const teams = caller.teams;
      const foreign = [...new Set(requests.map(r => r.team).filter(team => !teams.includes(team)))];
      if (foreign.length > 0) {
        throw new NotAllowedError(`You do not act for team ${foreign.join(', ')}: validate requests of your own teams only`);
      }
    }
    res.json(await dependencies.validate(requests, { callerTeams: caller.teams }));
  });

  router.get('/dependencies', async (req, res) => {
    const caller = await resolveCaller(req);
    const { team } = parseRequestPart(edgesQuerySchema, req.query, 'query');
    res.json(dependencies.edges({ team, visibleTeams: dependencies.visibleTeamsFor(caller.teams) }));
  });

  router.get('/dependencies/graph', async (req, res) => {
    const caller = await resolveCaller(req);
    const { team, root, format } = parseRequestPart(graphQuerySchema, req.query, 'query');
    const graph = dependencies.graph({ team, root, visibleTeams: dependencies.visibleTeamsFor(caller.teams) });
    if (format === 'dot') {
      res.type('text/vnd.graphviz').send(renderDot(graph));
    } else if (format === 'mermaid') {
      res.type('text/plain').send(renderMermaid(graph));
    } else {
      res.json(graph);
    }
  });

  router.get('/dependencies/impact', async (req, res) => {
    const caller = await resolveCaller(req);
    const { ref } = parseRequestPart(impactQuerySchema, req.query, 'query');
    res.json(dependencies.impact(ref, { visibleTeams: dependencies.visibleTeamsFor(caller.teams) }));
  });

  return router;
}
