import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  QueryCommandInput,
  UpdateCommand,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { IndexSpec } from '../schema/tableSchema';
import { RetryPolicy } from './RetryPolicy';

/** A stored item as the document client returns it. */
export type Item = Record<string, any>;
/** A primary key. */
export type Key = { PK: string; SK: string };

/** A condition and its placeholders. */
export interface Condition {
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** A query on the table or one of its indexes (`TableName` is filled in). */
export type QueryInput = Omit<QueryCommandInput, 'TableName'>;

const BATCH_GET_SIZE = 100;
const BATCH_WRITE_SIZE = 25;

/** True when a conditional write was refused because its condition failed. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(list.slice(i, i + size));
  }
  return out;
}

/**
 * Nestor's one table, through the DynamoDB document client: every call goes
 * through the {@link RetryPolicy}; batches are chunked to DynamoDB's sizes
 * and their unprocessed items retried.
 */
export class TableClient {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #retry: RetryPolicy;

  static create(options: {
    client: DynamoDBClient;
    tableName: string;
    retry: RetryPolicy;
  }): TableClient {
    return new TableClient(options.client, options.tableName, options.retry);
  }

  private constructor(
    client: DynamoDBClient,
    tableName: string,
    retry: RetryPolicy,
  ) {
    this.tableName = tableName;
    this.#retry = retry;
    this.#doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async get(
    key: Key,
    options: { consistent?: boolean } = {},
  ): Promise<Item | undefined> {
    const out = await this.#retry.run('GetItem', () =>
      this.#doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: options.consistent ?? true,
        }),
      ),
    );
    return out.Item;
  }

  async put(item: Item, condition: Condition = {}): Promise<void> {
    await this.#retry.run('PutItem', () =>
      this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition.condition,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      ),
    );
  }

  async update(
    input: Omit<UpdateCommandInput, 'TableName'>,
  ): Promise<Item | undefined> {
    const out = await this.#retry.run('UpdateItem', () =>
      this.#doc.send(
        new UpdateCommand({ TableName: this.tableName, ...input }),
      ),
    );
    return out.Attributes;
  }

  async delete(key: Key, condition: Condition = {}): Promise<void> {
    await this.#retry.run('DeleteItem', () =>
      this.#doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: condition.condition,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      ),
    );
  }

  /** One page of a query. */
  async query(input: QueryInput): Promise<{ items: Item[]; lastKey?: Item }> {
    const out = await this.#retry.run('Query', () =>
      this.#doc.send(new QueryCommand({ TableName: this.tableName, ...input })),
    );
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }

  /** The pages of a query, lazily. */
  async *queryPages(input: QueryInput): AsyncGenerator<Item[]> {
    let start: Item | undefined = input.ExclusiveStartKey;
    do {
      const page = await this.query({ ...input, ExclusiveStartKey: start });
      yield page.items;
      start = page.lastKey;
    } while (start);
  }

  /** Every item a query matches. */
  async queryAll(input: QueryInput): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of this.queryPages(input)) {
      items.push(...page);
    }
    return items;
  }

  /** Every item of one partition of an index, in sort key order. */
  async queryIndexPartition(
    index: IndexSpec,
    pk: string,
    options: { projection?: string; names?: Record<string, string> } = {},
  ): Promise<Item[]> {
    return this.queryAll({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: options.projection,
      ExpressionAttributeNames: { '#pk': index.pk, ...options.names },
      ExpressionAttributeValues: { ':pk': pk },
    });
  }

  /** Reads many items by key (consistent reads); missing keys are skipped, order is not kept. */
  async batchGet(
    keysToRead: Key[],
    options: { projection?: string; names?: Record<string, string> } = {},
  ): Promise<Item[]> {
    const unique = [
      ...new Map(keysToRead.map(k => [`${k.PK}\u0000${k.SK}`, k])).values(),
    ];
    const found: Item[] = [];
    for (const chunk of chunks(unique, BATCH_GET_SIZE)) {
      await this.#retry.drain('BatchGetItem', chunk, async left => {
        const out = await this.#doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: left,
                ConsistentRead: true,
                ProjectionExpression: options.projection,
                ExpressionAttributeNames: options.names,
              },
            },
          }),
        );
        found.push(...(out.Responses?.[this.tableName] ?? []));
        return (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
      });
    }
    return found;
  }

  /** Puts and deletes without conditions, 25 at a time. */
  async batchWrite(writes: { puts?: Item[]; deletes?: Key[] }): Promise<void> {
    const requests: Item[] = [
      ...(writes.puts ?? []).map(Item => ({ PutRequest: { Item } })),
      ...(writes.deletes ?? []).map(Key => ({ DeleteRequest: { Key } })),
    ];
    for (const chunk of chunks(requests, BATCH_WRITE_SIZE)) {
      await this.#retry.drain('BatchWriteItem', chunk, async left => {
        const out = await this.#doc.send(
          new BatchWriteCommand({
            RequestItems: { [this.tableName]: left as any },
          }),
        );
        return (out.UnprocessedItems?.[this.tableName] ?? []) as Item[];
      });
    }
  }
}
