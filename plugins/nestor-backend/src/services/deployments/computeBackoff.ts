/**
 * The wait before retry number `attempt` (1 for the first retry): `baseMs`
 * doubled each time, at most `maxMs`.
 * @public
 */
export function computeBackoff(attempt: number, baseMs: number, maxMs = 5 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
