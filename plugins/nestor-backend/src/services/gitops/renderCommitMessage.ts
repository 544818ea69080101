/** Values a commit message template may use. @public */
export interface CommitMessageValues {
  action: string;
  ref: string;
  revision: number | string;
  requester: string;
  resource: string;
}

/**
 * Fills `{{action}}`, `{{ref}}`, `{{revision}}`, `{{requester}}` and
 * `{{resource}}` in the configured template (`nestor.gitops.commitMessage`)
 * and appends trailers that tie the commit to its deployment. Unknown
 * placeholders are left as they are.
 * @public
 */
export function renderCommitMessage(
  template: string,
  values: CommitMessageValues,
  trailers: Record<string, string> = {},
): string {
  const subject = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key as keyof CommitMessageValues]) : whole,
  );
  const lines = Object.entries(trailers).map(([k, v]) => `${k}: ${v}`);
  return lines.length > 0 ? `${subject}\n\n${lines.join('\n')}\n` : `${subject}\n`;
}
