import { InputError, NotFoundError } from '@backstage/errors';
import {
  DEPLOYMENT_PHASES,
  Deployment,
  DeploymentListResponse,
  deploymentRequestSchema,
  dnsLabelSchema,
  formatZodIssues,
} from '@nestor/plugin-nestor-common';
import { Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { Caller, CallerResolver } from '../services/caller/CallerResolver';
import { AdmissionError } from '../services/deployments/admission/AdmissionError';
import { DeploymentService } from '../services/deployments/DeploymentService';
import { DeploymentStore } from '@nestor/plugin-nestor-node';

/**
 * Which deployments a caller may read: the teams to narrow store queries to
 * (undefined: all) and the exact test per deployment.
 * @public
 */
export interface DeploymentReadScope {
  any: boolean;
  teams?: string[];
  matches(deployment: Pick<Deployment, 'team' | 'environment'>): boolean;
}

/** Options of {@link createDeploymentsRoutes}. @public */
export interface DeploymentsRoutesOptions {
  callers: CallerResolver;
  deployments: DeploymentService;
  store: Pick<DeploymentStore, 'list'>;
  readScope(caller: Caller): Promise<DeploymentReadScope>;
}

const listQuerySchema = z
  .object({
    team: dnsLabelSchema.optional(),
    environment: dnsLabelSchema.optional(),
    phase: z.enum(DEPLOYMENT_PHASES).optional(),
    resource: dnsLabelSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(1000).optional(),
  })
  .strict();

const rollbackSchema = z.object({ toRevision: z.number().int().positive().optional() }).strict();
const removeQuerySchema = z.object({ force: z.enum(['true', 'false']).optional() }).strict();
const idSchema = z.string().min(1).max(200);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reasons = formatZodIssues(parsed.error, what === 'request body' ? undefined : what).map(i => ({ code: 'INVALID_FIELD', ...i }));
  throw new AdmissionError('request', { status: 400, reasons: reasons.map(r => ({ ...r, message: `${r.field}: ${r.message}` })) });
}

/**
 * `POST /deploy` (a new deployment, or a new revision of a finished one with
 * the same ref), `GET /deployments`, `GET /deployments/{id}`,
 * `DELETE /deployments/{id}` and `POST /deployments/{id}/rollback`. Bodies
 * and queries are validated with zod (400 naming every field; malformed JSON
 * is a 400 from the body parser); deployments the caller may not read answer
 * 404 like missing ones.
 * @public
 */
export function createDeploymentsRoutes(options: DeploymentsRoutesOptions): ExpressRouter {
  const { callers, deployments } = options;
  const router = Router();

  const readable = async (caller: Caller, id: string) => {
    const deployment = await deployments.get(id);
    const scope = await options.readScope(caller);
    if (!scope.any || !scope.matches(deployment)) throw new NotFoundError(`No deployment with id ${id}`);
    return deployment;
  };

  router.post('/deploy', async (req, res) => {
    const caller = await callers.resolve(req);
    if (!req.is('application/json') || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new InputError('request body: must be a JSON object (Content-Type: application/json)');
    }
    const request = parse(deploymentRequestSchema, req.body, 'request body');
    const key = req.header('Idempotency-Key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new InputError('Idempotency-Key: must be 1 to 255 visible ASCII characters');
    }
    const { deployment, replayed } = await deployments.submit({ caller, request, idempotencyKey: key, requestId: res.locals.requestId });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(`deployments/${encodeURIComponent(deployment.id)}`).json(deployment);
  });

  router.get('/deployments', async (req, res) => {
    const caller = await callers.resolve(req);
    const query = parse(listQuerySchema, req.query, 'query');
    const scope = await options.readScope(caller);
    if (!scope.any) {
      res.json({ items: [] } satisfies DeploymentListResponse);
      return;
    }
    const page = await options.store.list({ ...query, teams: scope.teams });
    res.json({ items: page.items.filter(d => scope.matches(d)), nextCursor: page.nextCursor } satisfies DeploymentListResponse);
  });

  router.get('/deployments/:id', async (req, res) => {
    const caller = await callers.resolve(req);
    res.json(await readable(caller, parse(idSchema, req.params.id, 'id')));
  });

  router.delete('/deployments/:id', async (req, res) => {
    const caller = await callers.resolve(req);
    const { force } = parse(removeQuerySchema, req.query, 'query');
    const existing = await readable(caller, parse(idSchema, req.params.id, 'id'));
    res.status(202).json(await deployments.remove({ caller, id: existing.id, force: force === 'true', requestId: res.locals.requestId }));
  });

  router.post('/deployments/:id/rollback', async (req, res) => {
    const caller = await callers.resolve(req);
    const body = parse(rollbackSchema, req.body ?? {}, 'request body');
    const existing = await readable(caller, parse(idSchema, req.params.id, 'id'));
    res.status(202).json(await deployments.rollback({ caller, id: existing.id, toRevision: body.toRevision, requestId: res.locals.requestId }));
  });

  return router;
}
