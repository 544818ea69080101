import {
  CreateTableCommand,
  DescribeTableCommand,
} from '@aws-sdk/client-dynamodb';
import { mockServices } from '@backstage/backend-test-utils';
import { DynamoDbStoreMetrics } from '../client/DynamoDbStoreMetrics';
import { RetryPolicy } from '../client/RetryPolicy';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';
import { ensureTable } from './ensureTable';
import { tableDefinition } from './tableSchema';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

function ensure(tableName: string, create: boolean) {
  return ensureTable({
    client: dynalite.client(),
    retry: RetryPolicy.create({ metrics: DynamoDbStoreMetrics.create() }),
    tableName,
    create,
    logger: mockServices.logger.mock(),
  });
}

describe('ensureTable', () => {
  it('refuses a missing table unless asked to create it, saying how to get one', async () => {
    const tableName = dynalite.uniqueTableName();
    await expect(ensure(tableName, false)).rejects.toThrow(
      `DynamoDB table "${tableName}" does not exist. Create it from deploy/dynamodb/ (Terraform or CloudFormation), or set nestor.storage.dynamodb.createTable: true for development`,
    );
  });

  it('creates the table once when replicas start together, with every index', async () => {
    const tableName = dynalite.uniqueTableName();
    await Promise.all(Array.from({ length: 4 }, () => ensure(tableName, true)));
    const { Table } = await dynalite
      .client()
      .send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map(g => g.IndexName).sort()).toEqual(
      ['GSI1', 'GSI2', 'GSI3', 'GSI4'],
    );
    await expect(ensure(tableName, false)).resolves.toBeUndefined();
  });

  it('refuses a table of another design, naming what differs', async () => {
    const tableName = dynalite.uniqueTableName();
    const definition = tableDefinition(tableName);
    await dynalite.client().send(
      new CreateTableCommand({
        ...definition,
        GlobalSecondaryIndexes: definition
          .GlobalSecondaryIndexes!.filter(g => g.IndexName !== 'GSI3')
          .map(g =>
            g.IndexName === 'GSI4'
              ? { ...g, Projection: { ProjectionType: 'KEYS_ONLY' } }
              : g,
          ),
      }),
    );
    await expect(ensure(tableName, true)).rejects.toThrow(
      `DynamoDB table "${tableName}" does not match Nestor's design: global secondary index GSI3 is missing; global secondary index GSI4 must have keys GSI4PK/GSI4SK and project ALL attributes`,
    );
  });
});
