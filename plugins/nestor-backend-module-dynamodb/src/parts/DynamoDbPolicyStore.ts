import { PolicyStore, StoredPolicy } from '@nestor/plugin-nestor-node';
import { TableClient } from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';

type PolicySet = { policies: StoredPolicy[]; commit: string };

/**
 * Policy sets: one item per source holding the whole set (compressed), so a
 * set is replaced in a single write; listed through GSI1 (`POLICYSETS` /
 * source id).
 */
export class DynamoDbPolicyStore implements PolicyStore {
  readonly #table: TableClient;

  static create(options: { table: TableClient }): DynamoDbPolicyStore {
    return new DynamoDbPolicyStore(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
  }

  async getPolicySet(sourceId: string): Promise<PolicySet | undefined> {
    const item = await this.#table.get(keys.policySet(sourceId));
    return item ? ItemBody.decode<PolicySet>(item) : undefined;
  }

  async listPolicySets(): Promise<Array<{ sourceId: string } & PolicySet>> {
    const items = await this.#table.queryIndexPartition(
      INDEXES.GSI1,
      keys.policySetsAll(),
    );
    return items.map(item => ({
      sourceId: item[INDEXES.GSI1.sk] as string,
      ...ItemBody.decode<PolicySet>(item),
    }));
  }

  async putPolicySet(sourceId: string, set: PolicySet): Promise<void> {
    const item = {
      ...keys.policySet(sourceId),
      [INDEXES.GSI1.pk]: keys.policySetsAll(),
      [INDEXES.GSI1.sk]: sourceId,
      ...ItemBody.encode({ policies: set.policies, commit: set.commit }),
    };
    ItemBody.assertFits(
      item,
      `The policy set of source "${sourceId}" (${set.policies.length} files)`,
    );
    await this.#table.put(item);
  }
}
