import express from 'express';
import Router from 'express-promise-router';
import { AuditorService } from '@backstage/backend-plugin-api';
import { auditWrites } from './observability/auditWrites';
import { requestId } from './observability/requestId';
import { requestParsingErrors } from './routes/requests/requestParsingErrors';

/**
 * Puts Nestor's route groups together behind one JSON body parser. Each
 * group is a router from `routes/`; `plugin.ts` builds them with their
 * services, so this file only fixes the order and the shared middleware.
 * @internal
 */
export function createRouter(options: {
  /** routes that read the raw body themselves (signed webhooks) */
  rawBodyRoutes?: express.Router[];
  routes: express.Router[];
  /** every write (deploy, cancel, rollback, syncs) becomes an audit event */
  auditor?: AuditorService;
}): express.Router {
  const router = Router();
  const audit = options.auditor ? auditWrites(options.auditor) : undefined;
  router.use(requestId());
  if (audit) router.use(audit.begin);
  for (const r of options.rawBodyRoutes ?? []) router.use(r);
  router.use(express.json({ limit: '1mb' }));
  for (const r of options.routes) router.use(r);
  // malformed bodies and paths: 400s naming the field, like the routes' own
  router.use(requestParsingErrors());
  if (audit) router.use(audit.failed);
  return router;
}
