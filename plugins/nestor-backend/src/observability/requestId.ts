import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const VALID = /^[\w.:-]{1,128}$/;

/**
 * Gives each request an id: the caller's `x-request-id` when it is a sane
 * token, else a new UUID. It is echoed in the `x-request-id` response header,
 * put in `res.locals.requestId` and in every audit event of the request.
 * @internal
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && VALID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  };
}
