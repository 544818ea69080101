/*
 * TEST ONLY. The API contract for a 400 (docs/openapi.yaml, API.md): the
 * error names every failing field and why. Nestor writes that either as
 * `reasons: [{field, message}, ...]` on the error, or in the message as
 * `<field>: <reason>` (parts joined by "; "), after an optional lead such as
 * "Invalid query: " or "Deployment refused by the request check: ".
 */

const LEAD = /^(Invalid [^:]{1,60}|Deployment refused by the [\w-]+ check): /;
/** `field: reason`; a field is a short name or path, such as `limit`, `requests.0.team`, `Last-Event-ID`, `(root)`, `request body` */
const FIELD_AND_REASON = /^[\w.()[\] -]{1,100}: \S/;

/** Why a 400's error does not name the field and the reason, or undefined when it does. */
export function describeBadRequest(error: {
  message: string;
  reasons?: unknown;
}): string | undefined {
  if (error.reasons !== undefined) {
    const reasons = error.reasons as Array<{
      field?: unknown;
      message?: unknown;
    }>;
    const complete =
      Array.isArray(reasons) &&
      reasons.length > 0 &&
      reasons.every(
        r =>
          typeof r?.field === 'string' &&
          r.field !== '' &&
          typeof r.message === 'string' &&
          r.message !== '',
      );
    return complete
      ? undefined
      : 'a 400 whose reasons are not all {field, message}';
  }
  // the first part is enough to check: a reason may itself hold "; " (an unknown key named so)
  const detail = error.message.replace(LEAD, '');
  return FIELD_AND_REASON.test(detail)
    ? undefined
    : 'a 400 that does not name the field and the reason ("<field>: <reason>")';
}
