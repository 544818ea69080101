import { InputError } from '@backstage/errors';

/**
 * Opaque page cursors holding the sort key of the last item returned. A
 * keyset cursor stays valid while items are added or removed: the next page
 * starts strictly after that key, so nothing is repeated or skipped.
 */
export const KeysetCursor = {
  encode(lastKey: string): string {
    return Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString(
      'base64url',
    );
  },

  /** The key after which the next page starts; an InputError when unreadable. */
  decode(cursor: string): string {
    try {
      const parsed = JSON.parse(
        Buffer.from(cursor, 'base64url').toString('utf8'),
      );
      if (parsed && typeof parsed.after === 'string') {
        return parsed.after;
      }
    } catch {
      // reported below
    }
    throw new InputError(
      `Invalid cursor "${cursor}": pass the nextCursor of a previous page`,
    );
  },
};
