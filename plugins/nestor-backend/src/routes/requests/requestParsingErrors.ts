import { InputError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';

const MAX_DETAIL = 120;

function shorten(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** Why express.json refused a body it could read: not JSON, or JSON that is not an object or array. */
function bodyReason(raw: unknown, parseMessage: string): string {
  if (typeof raw === 'string') {
    try {
      JSON.parse(raw);
      return 'must be a JSON object';
    } catch {
      // not JSON at all: the parser's own message says where
    }
  }
  return `is not valid JSON (${shorten(parseMessage)})`;
}

/**
 * Turns the errors Express and its body parser raise before a route runs
 * into 400s that name the field and the reason, like the routes' own: a body
 * that is not JSON (or JSON but not an object) becomes
 * `request body: ...`, and a path with a malformed percent escape
 * `path: ...`. The body parser's error would otherwise echo the whole
 * request body back to the caller. Any other error passes through.
 * @internal
 */
export function requestParsingErrors(): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (error?.type === 'entity.parse.failed') {
      next(
        new InputError(
          `request body: ${bodyReason(error.body, String(error.message))}`,
        ),
      );
      return;
    }
    if (
      error instanceof URIError &&
      (error as URIError & { status?: number }).status === 400
    ) {
      next(
        new InputError(
          `path: not a valid percent-encoded URL path (${shorten(
            error.message,
          )})`,
        ),
      );
      return;
    }
    next(error);
  };
}
