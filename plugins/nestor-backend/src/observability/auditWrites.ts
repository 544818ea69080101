import type {
  AuditorService,
  AuditorServiceEvent,
} from '@backstage/backend-plugin-api';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

/** Which write each `METHOD path` is, as an audit event id. */
const WRITES: Array<{ method: string; pattern: RegExp; eventId: string }> = [
  { method: 'POST', pattern: /^\/deploy\/?$/, eventId: 'deploy' },
  {
    method: 'DELETE',
    pattern: /^\/deployments\/[^/]+\/?$/,
    eventId: 'deployment-cancel',
  },
  {
    method: 'POST',
    pattern: /^\/deployments\/[^/]+\/rollback\/?$/,
    eventId: 'deployment-rollback',
  },
  {
    method: 'POST',
    pattern: /^\/catalog\/sources\/[^/]+\/sync\/?$/,
    eventId: 'catalog-sync',
  },
  {
    method: 'POST',
    pattern: /^\/webhooks\/git\/[^/]+\/?$/,
    eventId: 'catalog-sync',
  },
  { method: 'POST', pattern: /^\/gitops\/sync\/?$/, eventId: 'gitops-sync' },
];

/** Statuses that mean a check refused the request (policy, permission, quota, dependency). */
const REFUSALS = new Set([403, 409, 422]);

const EVENT = Symbol('nestorAuditEvent');
type Audited = Request & {
  [EVENT]?: { event: AuditorServiceEvent; done: boolean };
};

/** The audit event id of a request, or undefined for a read. */
export function auditEventIdOf(
  method: string,
  path: string,
): string | undefined {
  return WRITES.find(w => w.method === method && w.pattern.test(path))?.eventId;
}

/**
 * Express middleware pair that sends every Nestor write (deploy, cancel,
 * rollback, catalog sync, webhook, Argo CD sync) to `coreServices.auditor`:
 * `begin` opens the event before any route runs, `failed` (an error handler
 * placed after the routes) records a thrown error, and the response's
 * `finish` records success. A refusal by a check (403, 409, 422) is a
 * failure with `refusal: true` in its metadata. Each event carries the
 * request id (`x-request-id`).
 * @internal
 */
export function auditWrites(auditor: AuditorService): {
  begin: RequestHandler;
  failed: ErrorRequestHandler;
} {
  const begin: RequestHandler = async (req, res, next) => {
    const eventId = auditEventIdOf(req.method, req.path);
    if (!eventId) {
      next();
      return;
    }
    try {
      const event = await auditor.createEvent({
        eventId,
        request: req,
        severityLevel: 'medium',
        meta: {
          path: req.path,
          requestId: String(res.getHeader('x-request-id') ?? ''),
        },
      });
      const state = { event, done: false };
      (req as Audited)[EVENT] = state;
      res.on('finish', () => {
        if (state.done) return;
        state.done = true;
        const meta = { status: res.statusCode };
        void (res.statusCode < 400
          ? event.success({ meta })
          : event.fail({
              meta,
              error: new Error(`answered ${res.statusCode}`),
            }));
      });
      next();
    } catch (error) {
      next(error);
    }
  };
  const failed: ErrorRequestHandler = (error, req, _res, next) => {
    const state = (req as Audited)[EVENT];
    if (state && !state.done) {
      state.done = true;
      const status = Number(
        (error as { statusCode?: number }).statusCode ??
          statusOfName(error?.name),
      );
      void state.event.fail({
        error,
        meta: { status, refusal: REFUSALS.has(status) },
      });
    }
    next(error);
  };
  return { begin, failed };
}

function statusOfName(name: string | undefined): number {
  switch (name) {
    case 'InputError':
      return 400;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    default:
      return 500;
  }
}
