import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import { LoggerService } from '@backstage/backend-plugin-api';
import { RetryPolicy } from '../client/RetryPolicy';
import { INDEXES, PK, SK, tableDefinition } from './tableSchema';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function describe(
  client: DynamoDBClient,
  retry: RetryPolicy,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const out = await retry.run('DescribeTable', () =>
      client.send(new DescribeTableCommand({ TableName: tableName })),
    );
    return out.Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

/** What is wrong with an existing table's keys and indexes, if anything. */
function problemsOf(table: TableDescription): string[] {
  const problems: string[] = [];
  const keyOf = (schema: TableDescription['KeySchema']) =>
    Object.fromEntries((schema ?? []).map(k => [k.KeyType, k.AttributeName]));
  const key = keyOf(table.KeySchema);
  if (key.HASH !== PK || key.RANGE !== SK) {
    problems.push(`key schema must be ${PK} (hash) and ${SK} (range)`);
  }
  for (const index of Object.values(INDEXES)) {
    const found = table.GlobalSecondaryIndexes?.find(
      g => g.IndexName === index.name,
    );
    if (!found) {
      problems.push(`global secondary index ${index.name} is missing`);
    } else {
      const indexKey = keyOf(found.KeySchema);
      if (
        indexKey.HASH !== index.pk ||
        indexKey.RANGE !== index.sk ||
        found.Projection?.ProjectionType !== 'ALL'
      ) {
        problems.push(
          `global secondary index ${index.name} must have keys ${index.pk}/${index.sk} and project ALL attributes`,
        );
      }
    }
  }
  return problems;
}

/**
 * Checks that Nestor's table exists with the expected keys and indexes, and
 * creates it first when `create` is set (development; production tables come
 * from `deploy/dynamodb/`). Safe when several replicas start at once: a
 * concurrent creation is waited for, not repeated.
 */
export async function ensureTable(options: {
  client: DynamoDBClient;
  retry: RetryPolicy;
  tableName: string;
  create: boolean;
  logger: LoggerService;
  timeoutMs?: number;
}): Promise<void> {
  const { client, retry, tableName, logger } = options;
  let table = await describe(client, retry, tableName);
  if (!table) {
    if (!options.create) {
      throw new Error(
        `DynamoDB table "${tableName}" does not exist. Create it from deploy/dynamodb/ (Terraform or CloudFormation), or set nestor.storage.dynamodb.createTable: true for development`,
      );
    }
    logger.info(`Creating DynamoDB table "${tableName}"`);
    try {
      await retry.run('CreateTable', () =>
        client.send(new CreateTableCommand(tableDefinition(tableName))),
      );
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') {
        throw error;
      }
    }
  }
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    table = await describe(client, retry, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      g => g.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB table "${tableName}" is not ACTIVE (status ${
          table?.TableStatus ?? 'unknown'
        })`,
      );
    }
    await sleep(250);
  }
  const problems = problemsOf(table);
  if (problems.length > 0) {
    throw new Error(
      `DynamoDB table "${tableName}" does not match Nestor's design: ${problems.join(
        '; ',
      )}`,
    );
  }
}
