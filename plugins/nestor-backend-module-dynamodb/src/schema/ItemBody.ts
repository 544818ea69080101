import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '@backstage/errors';
import type { Item } from '../client/TableClient';

/** DynamoDB's hard item size limit (names and values together). */
const MAX_ITEM_BYTES = 400 * 1024;
/** Bodies larger than this are stored gzip-compressed. */
const COMPRESS_ABOVE_BYTES = 2 * 1024;

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') {
    return 1;
  }
  if (typeof value === 'string') {
    return Buffer.byteLength(value, 'utf8');
  }
  if (typeof value === 'number') {
    return 21;
  }
  if (value instanceof Uint8Array) {
    return value.byteLength;
  }
  if (Array.isArray(value)) {
    return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  }
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as object).reduce(
        (sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueSize(v),
        0,
      )
    );
  }
  return 0;
}

/**
 * How JSON documents (definitions, deployments, policies, event payloads) are
 * stored in an item: as a JSON string in `body`, or gzip-compressed in
 * `bodyGz` once they pass 2 KB. JSON compresses 4-10 times, which lets a
 * deployment with many revisions and rendered artifacts fit DynamoDB's 400 KB
 * item limit; past it, {@link ItemBody.assertFits} refuses the write with an
 * error that says what was too large and by how much.
 */
export const ItemBody = {
  /** The attributes holding `value`. */
  encode(value: unknown): { body?: string; bodyGz?: Uint8Array } {
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json, 'utf8') <= COMPRESS_ABOVE_BYTES) {
      return { body: json };
    }
    return { bodyGz: gzipSync(json) };
  },

  /** The value stored by {@link ItemBody.encode}. */
  decode<T>(item: Item): T {
    if (item.bodyGz !== undefined) {
      return JSON.parse(gunzipSync(item.bodyGz).toString('utf8')) as T;
    }
    if (typeof item.body !== 'string') {
      throw new Error(`Item ${item.PK}/${item.SK} has no body`);
    }
    return JSON.parse(item.body) as T;
  },

  /** The approximate stored size of an item, as DynamoDB counts it. */
  sizeOf(item: Item): number {
    return Object.entries(item).reduce(
      (sum, [k, v]) => sum + Buffer.byteLength(k) + valueSize(v),
      0,
    );
  },

  /** Throws an InputError naming `what` when the item cannot be stored. */
  assertFits(item: Item, what: string): void {
    const size = ItemBody.sizeOf(item);
    if (size > MAX_ITEM_BYTES) {
      const kb = (n: number) => Math.ceil(n / 1024);
      throw new InputError(
        `${what} is too large to store: ${kb(
          size,
        )} KB after compression, over DynamoDB's item limit of ${kb(
          MAX_ITEM_BYTES,
        )} KB. Make it smaller (fewer or smaller parameters, artifacts or revisions).`,
      );
    }
  },
};
