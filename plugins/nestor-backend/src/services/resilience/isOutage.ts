/** Error codes of a connection that failed, timed out or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** What the git command line says when the server cannot be reached or fails. */
const GIT_CLI_OUTAGE =
  /Failed to connect|Could not resolve host|Connection refused|Connection reset|Connection timed out|Operation timed out|The requested URL returned error: (5\d\d|429)|RPC failed|early EOF|remote end hung up unexpectedly/i;

/** How deep the `cause` chain is followed. */
const MAX_DEPTH = 5;

type ErrorLike = {
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  message?: unknown;
  cause?: unknown;
  data?: { statusCode?: unknown };
};

function* chain(error: unknown): Generator<ErrorLike> {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    yield current;
    current = current.cause as ErrorLike | undefined;
  }
}

/**
 * The network error code (`ECONNREFUSED`, `ETIMEDOUT`, ...) of an error or
 * of one of its causes, or undefined.
 * @internal
 */
export function networkErrorCode(error: unknown): string | undefined {
  for (const e of chain(error)) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/** The HTTP status an error carries, whichever client made it. */
function statusOf(e: ErrorLike): number | undefined {
  const candidates = [e.statusCode, e.status, e.data?.statusCode, e.code];
  return candidates.find((x): x is number => typeof x === 'number');
}

/**
 * Whether an error says the dependency is unavailable (rather than that the
 * request was wrong): a connection that failed or was cut, a 5xx or 429
 * answer, or the git command line saying as much. Only these count as
 * failures for a circuit breaker: a refused credential, a missing branch or
 * a rejected push say nothing about the dependency's health.
 * @internal
 */
export function isOutage(error: unknown): boolean {
  for (const e of chain(error)) {
    // a breaker's own refusal is not a new failure of the dependency
    if ((e as { circuitOpen?: unknown }).circuitOpen === true) return false;
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    const status = statusOf(e);
    if (status !== undefined && (status >= 500 || status === 429)) return true;
    if (typeof e.message === 'string' && GIT_CLI_OUTAGE.test(e.message))
      return true;
  }
  return false;
}
