import { ResponseError } from '@backstage/errors';

/** One reason Nestor gives for a refusal. @public */
export interface NestorReason {
  code?: string;
  field?: string;
  message?: string;
}

/**
 * A reason as a list item: `  - parameters.size: must be one of ... (INVALID_PARAMETER)`,
 * the field named once even when Nestor's message starts with it.
 * @public
 */
export function formatReason(reason: NestorReason, prefix = ''): string {
  const text = reason.message ?? reason.code ?? 'refused';
  const field =
    reason.field && !text.startsWith(`${reason.field}:`)
      ? `${reason.field}: `
      : '';
  return `  - ${prefix}${field}${text}${
    reason.code ? ` (${reason.code})` : ''
  }`;
}

/**
 * An error from the Nestor API as one readable message for the task log:
 * the status, Nestor's message and each reason with the field at fault
 * (`parameters.size: must be one of small, medium, large`). Other errors
 * pass through unchanged.
 * @public
 */
export function describeNestorError(error: unknown, doing: string): Error {
  if (!(error instanceof ResponseError))
    return error instanceof Error ? error : new Error(String(error));
  const body = error.body?.error as
    | { name?: string; message?: string; reasons?: NestorReason[] }
    | undefined;
  const status = `${error.response.status} ${
    body?.name ?? error.response.statusText
  }`;
  const reasons = (body?.reasons ?? []).map(r => formatReason(r));
  const message = [
    `Nestor refused to ${doing} (${status}): ${body?.message ?? error.message}`,
    ...reasons,
  ].join('\n');
  const described = new Error(message);
  described.name = body?.name ?? 'NestorError';
  return described;
}
