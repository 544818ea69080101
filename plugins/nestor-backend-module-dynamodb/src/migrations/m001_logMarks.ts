import { isConditionalCheckFailed } from '../client/TableClient';
import { keys } from '../schema/keys';
import { DynamoDbMigration } from './types';

/**
 * Version 1: the items every replica expects — the event log's marks
 * (`prunedThrough`, `sealedThrough`) and the two counters, all at 0 —
 * written only where they do not exist yet.
 */
export const m001_logMarks: DynamoDbMigration = {
  version: 1,
  name: 'event log marks and counters',
  async up({ table }) {
    const items = [
      { ...keys.eventLog(), prunedThrough: 0, sealedThrough: 0 },
      { ...keys.eventCounter(), seq: 0 },
      { ...keys.deploymentCounter(), seq: 0 },
    ];
    for (const item of items) {
      try {
        await table.put(item, { condition: 'attribute_not_exists(PK)' });
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw error;
        }
      }
    }
  },
};
