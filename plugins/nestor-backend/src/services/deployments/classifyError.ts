import { TransientEngineError } from '@nestor/plugin-nestor-node';

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/**
 * Whether the coordinator retries an error: a {@link TransientEngineError},
 * a network failure, or a server answering 5xx or 429. Anything else (a bad
 * definition, a refused credential, a 4xx) fails the deployment at once.
 * @public
 */
export function classifyError(error: unknown): { transient: boolean; reason: string; message: string } {
  const e = error as { name?: string; code?: unknown; statusCode?: unknown; status?: unknown; message?: string; cause?: unknown };
  const message = String(e?.message ?? error);
  if (error instanceof TransientEngineError || e?.name === 'TransientEngineError') {
    return { transient: true, reason: 'TransientError', message };
  }
  if (typeof e?.code === 'string' && TRANSIENT_CODES.has(e.code)) {
    return { transient: true, reason: 'NetworkError', message };
  }
  const status = [e?.statusCode, e?.status].find((x): x is number => typeof x === 'number');
  if (status !== undefined && (status >= 500 || status === 429)) {
    return { transient: true, reason: 'ServerError', message };
  }
  const cause = e?.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string' && TRANSIENT_CODES.has(cause.code)) {
    return { transient: true, reason: 'NetworkError', message };
  }
  return { transient: false, reason: e?.name && e.name !== 'Error' ? e.name : 'EngineError', message };
}
