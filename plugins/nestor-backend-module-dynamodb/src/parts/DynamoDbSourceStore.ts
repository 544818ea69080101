import { SourceStatus } from '@nestor/plugin-nestor-common';
import { SourceStore } from '@nestor/plugin-nestor-node';
import { TableClient } from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';

/**
 * Sync state of catalog sources: one item per source, listed through GSI1
 * (`SOURCES` / source id).
 */
export class DynamoDbSourceStore implements SourceStore {
  readonly #table: TableClient;

  static create(options: { table: TableClient }): DynamoDbSourceStore {
    return new DynamoDbSourceStore(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
  }

  async getSourceStatus(id: string): Promise<SourceStatus | undefined> {
    const item = await this.#table.get(keys.sourceStatus(id));
    return item ? ItemBody.decode<SourceStatus>(item) : undefined;
  }

  async listSourceStatuses(): Promise<SourceStatus[]> {
    const items = await this.#table.queryIndexPartition(
      INDEXES.GSI1,
      keys.sourcesAll(),
    );
    return items.map(item => ItemBody.decode<SourceStatus>(item));
  }

  async putSourceStatus(status: SourceStatus): Promise<void> {
    const item = {
      ...keys.sourceStatus(status.id),
      [INDEXES.GSI1.pk]: keys.sourcesAll(),
      [INDEXES.GSI1.sk]: status.id,
      ...ItemBody.encode(status),
    };
    ItemBody.assertFits(item, `The status of source "${status.id}"`);
    await this.#table.put(item);
  }
}
