import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { networkErrorCode } from '../resilience/isOutage';

/**
 * Whether the coordinator retries an error: a {@link TransientEngineError},
 * a network failure, or a server answering 5xx or 429. Anything else (a bad
 * definition, a refused credential, a 4xx) fails the deployment at once.
 * @public
 */
export function classifyError(error: unknown): { transient: boolean; reason: string; message: string } {
  const e = error as { name?: string; statusCode?: unknown; status?: unknown; message?: string };
  const message = String(e?.message ?? error);
  if (error instanceof TransientEngineError || e?.name === 'TransientEngineError') {
    return { transient: true, reason: 'TransientError', message };
  }
  if (networkErrorCode(error)) {
    return { transient: true, reason: 'NetworkError', message };
  }
  const status = [e?.statusCode, e?.status].find((x): x is number => typeof x === 'number');
  if (status !== undefined && (status >= 500 || status === 429)) {
    return { transient: true, reason: 'ServerError', message };
  }
  return { transient: false, reason: e?.name && e.name !== 'Error' ? e.name : 'EngineError', message };
}
