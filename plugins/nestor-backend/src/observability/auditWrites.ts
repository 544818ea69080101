import type {
  AuditorService,
  AuditorServiceEvent,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
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

const EVENT = Symbol('nestorAuditEvent');
type AuditState = { event: AuditorServiceEvent; done: boolean; error?: Error };
type Audited = Request & { [EVENT]?: AuditState };

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
 * placed after the routes) keeps a thrown error, and the response's
 * `finish` records the outcome with the status the client got. A refusal (a permission denied, 403, or an
 * admission check saying no: policy, quota, dependency, schema) is a failure
 * with `refusal: true` in its metadata, with the `check` that refused and the
 * reason codes (a Cedar refusal: the ids of the policies). Each event
 * carries the request id (`x-request-id`).
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
      const state: AuditState = { event, done: false };
      (req as Audited)[EVENT] = state;
      // the outcome is recorded once the answer is sent, with the status the
      // client got (an error handler after this router picks it for errors)
      res.on('finish', () => {
        if (state.done) return;
        state.done = true;
        const status = res.statusCode;
        if (status < 400) {
          void event.success({ meta: { status } });
          return;
        }
        void event.fail({
          meta: { status, ...refusalOf(state.error, status) },
          error: state.error ?? new Error(`answered ${status}`),
        });
      });
      res.on('close', () => {
        if (state.done) return;
        state.done = true;
        void event.fail({
          meta: { status: res.statusCode, aborted: true },
          error:
            state.error ??
            new Error('the connection closed before the answer was sent'),
        });
      });
      next();
    } catch (error) {
      next(error);
    }
  };
  const failed: ErrorRequestHandler = (error, req, _res, next) => {
    const state = (req as Audited)[EVENT];
    if (state) state.error = error;
    next(error);
  };
  return { begin, failed };
}

/** Whether an error is a refusal, and by which check with which reasons. */
function refusalOf(error: unknown, status: number): JsonObject {
  const { check, reasons } = (error ?? {}) as {
    check?: unknown;
    reasons?: Array<{ code?: string; policyId?: string }>;
  };
  if (typeof check !== 'string') return { refusal: status === 403 };
  return {
    refusal: true,
    check,
    reasons: (reasons ?? []).map(r => r.policyId ?? r.code ?? 'UNSPECIFIED'),
  };
}
