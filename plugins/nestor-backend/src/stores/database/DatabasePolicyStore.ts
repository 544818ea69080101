import { PolicyStore, StoredPolicy } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';

interface PolicySetRow {
  source_id: string;
  policies: string;
  commit: string;
}

/** Policy sets, one row per source, replaced whole. */
export class DatabasePolicyStore implements PolicyStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async getPolicySet(
    sourceId: string,
  ): Promise<{ policies: StoredPolicy[]; commit: string } | undefined> {
    const row: PolicySetRow | undefined = await this.#db('policy_sets')
      .where({ source_id: sourceId })
      .first();
    return row
      ? { policies: JSON.parse(row.policies), commit: row.commit }
      : undefined;
  }

  async listPolicySets(): Promise<
    Array<{ sourceId: string; policies: StoredPolicy[]; commit: string }>
  > {
    const rows: PolicySetRow[] = await this.#db('policy_sets').orderBy(
      'source_id',
    );
    return rows.map(row => ({
      sourceId: row.source_id,
      policies: JSON.parse(row.policies),
      commit: row.commit,
    }));
  }

  async putPolicySet(
    sourceId: string,
    set: { policies: StoredPolicy[]; commit: string },
  ): Promise<void> {
    await this.#db('policy_sets')
      .insert({
        source_id: sourceId,
        policies: JSON.stringify(set.policies),
        commit: set.commit,
      })
      .onConflict('source_id')
      .merge(['policies', 'commit']);
  }
}
