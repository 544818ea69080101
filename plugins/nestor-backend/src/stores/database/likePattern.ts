/**
 * A LIKE pattern (for `LIKE ? ESCAPE '\'`) matching any text that contains
 * `text` literally: `%`, `_` and `\` in it lose their special meaning.
 */
export function likePattern(
  text: string,
  options: { prefix?: string; suffix?: string } = {},
): string {
  const escaped = text.replace(/[\\%_]/g, c => `\\${c}`);
  return `%${options.prefix ?? ''}${escaped}${options.suffix ?? ''}%`;
}
