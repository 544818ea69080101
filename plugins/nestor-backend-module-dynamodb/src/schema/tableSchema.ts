import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The table's partition and sort key attributes. */
export const PK = 'PK';
/** @see PK */
export const SK = 'SK';

/** One global secondary index: its name and key attributes. */
export interface IndexSpec {
  name: string;
  pk: string;
  sk: string;
}

/**
 * The four overloaded global secondary indexes. Every entity writes the index
 * keys of the access patterns it serves (see the README's table design);
 * items without an index's key attributes are not in that index (sparse).
 */
export const INDEXES = {
  GSI1: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  GSI2: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
  GSI3: { name: 'GSI3', pk: 'GSI3PK', sk: 'GSI3SK' },
  GSI4: { name: 'GSI4', pk: 'GSI4PK', sk: 'GSI4SK' },
} as const satisfies Record<string, IndexSpec>;

/** Names of the index key attributes, for removing an item from every index. */
export const INDEX_KEY_ATTRIBUTES: string[] = Object.values(INDEXES).flatMap(
  i => [i.pk, i.sk],
);

/**
 * The CreateTable request of Nestor's table: on-demand capacity, string keys,
 * every index projecting all attributes. `deploy/dynamodb/` holds the same
 * definition for Terraform and CloudFormation.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [PK, SK, ...indexes.flatMap(i => [i.pk, i.sk])].map(
      name => ({
        AttributeName: name,
        AttributeType: 'S',
      }),
    ),
    KeySchema: [
      { AttributeName: PK, KeyType: 'HASH' },
      { AttributeName: SK, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(i => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.pk, KeyType: 'HASH' },
        { AttributeName: i.sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
