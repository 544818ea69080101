import { InputError } from '@backstage/errors';

/**
 * Encodes the sort key of the last row of a page as an opaque cursor.
 */
export function encodeKeysetCursor(after: string | number): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

/**
 * Reads back what {@link encodeKeysetCursor} wrote; an InputError for
 * anything else.
 */
export function decodeKeysetCursor(cursor: string, kind: 'string'): string;
export function decodeKeysetCursor(cursor: string, kind: 'number'): number;
export function decodeKeysetCursor(
  cursor: string,
  kind: 'string' | 'number',
): string | number {
  let after: unknown;
  try {
    after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).after;
  } catch {
    after = undefined;
  }
  if (
    typeof after !== kind ||
    (kind === 'number' && !Number.isSafeInteger(after))
  ) {
    const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor;
    throw new InputError(`cursor: "${shown}" is not a cursor this API returned (pass the nextCursor of a previous page)`);
  }
  return after as string | number;
}
