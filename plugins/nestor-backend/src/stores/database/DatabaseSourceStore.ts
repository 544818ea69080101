import { SourceStatus } from '@nestor/plugin-nestor-common';
import { SourceStore } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';

/** Sync state of catalog sources, one JSON row per source. */
export class DatabaseSourceStore implements SourceStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async getSourceStatus(id: string): Promise<SourceStatus | undefined> {
    const row: { status: string } | undefined = await this.#db(
      'source_statuses',
    )
      .select('status')
      .where({ id })
      .first();
    return row ? JSON.parse(row.status) : undefined;
  }

  async listSourceStatuses(): Promise<SourceStatus[]> {
    const rows: Array<{ status: string }> = await this.#db('source_statuses')
      .select('status')
      .orderBy('id');
    return rows.map(row => JSON.parse(row.status));
  }

  async putSourceStatus(status: SourceStatus): Promise<void> {
    await this.#db('source_statuses')
      .insert({ id: status.id, status: JSON.stringify(status) })
      .onConflict('id')
      .merge(['status']);
  }
}
