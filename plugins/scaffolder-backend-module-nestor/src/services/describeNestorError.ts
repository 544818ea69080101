import { ResponseError } from '@backstage/errors';

interface Reason {
  code?: string;
  field?: string;
  message?: string;
}

/**
 * An error from the Nestor API as one readable message for the task log:
 * the status, Nestor's message and each reason with the field at fault
 * (`parameters.size: must be one of small, medium, large`). Other errors
 * pass through unchanged.
 * @public
 */
export function describeNestorError(error: unknown, doing: string): Error {
  if (!(error instanceof ResponseError)) return error instanceof Error ? error : new Error(String(error));
  const body = error.body?.error as { name?: string; message?: string; reasons?: Reason[] } | undefined;
  const status = `${error.response.status} ${body?.name ?? error.response.statusText}`;
  const reasons = (body?.reasons ?? []).map(r => {
    const text = r.message ?? r.code ?? 'refused';
    return `  - ${r.field && !text.startsWith(r.field) ? `${r.field}: ` : ''}${text}${r.code ? ` (${r.code})` : ''}`;
  });
  const message = [`Nestor refused to ${doing} (${status}): ${body?.message ?? error.message}`, ...reasons].join('\n');
  const described = new Error(message);
  described.name = body?.name ?? 'NestorError';
  return described;
}
