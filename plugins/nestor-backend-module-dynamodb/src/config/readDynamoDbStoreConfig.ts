import { Config } from '@backstage/config';
import { RetryOptions } from '../client/RetryPolicy';

/**
 * The `nestor.storage.dynamodb` block with defaults applied.
 * @public
 */
export interface DynamoDbStoreConfig {
  tableName: string;
  region: string;
  endpoint?: string;
  createTable: boolean;
  accountId?: string;
  eventHoleGraceMs: number;
  retry: Partial<RetryOptions>;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * Reads and checks `nestor.storage.dynamodb`. Every problem is reported at
 * once, naming the key, so the backend does not start with a bad block.
 * @public
 */
export function readDynamoDbStoreConfig(config: Config): DynamoDbStoreConfig {
  const problems: string[] = [];
  const block = config.getOptionalConfig('nestor.storage.dynamodb');
  const at = (key: string) => `nestor.storage.dynamodb.${key}`;
  const read = <T>(
    key: string,
    get: (c: Config, k: string) => T | undefined,
  ): T | undefined => {
    try {
      return block ? get(block, key) : undefined;
    } catch (error) {
      problems.push(`${at(key)}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const tableName = read('tableName', (c, k) => c.getOptionalString(k));
  if (tableName === undefined) {
    problems.push(
      `${at('tableName')}: required when nestor.storage.type is "dynamodb"`,
    );
  } else if (!TABLE_NAME.test(tableName)) {
    problems.push(
      `${at(
        'tableName',
      )}: "${tableName}" is not a DynamoDB table name (3-255 of a-z, A-Z, 0-9, _ . -)`,
    );
  }
  const region = read('region', (c, k) => c.getOptionalString(k));
  if (!region) {
    problems.push(
      `${at(
        'region',
      )}: required, e.g. eu-west-1 (any value for a local endpoint)`,
    );
  }
  const endpoint = read('endpoint', (c, k) => c.getOptionalString(k));
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    problems.push(`${at('endpoint')}: "${endpoint}" is not an http(s) URL`);
  }
  const createTable =
    read('createTable', (c, k) => c.getOptionalBoolean(k)) ?? false;
  const accountId = read('accountId', (c, k) => c.getOptionalString(k));
  const graceSeconds =
    read('eventHoleGraceSeconds', (c, k) => c.getOptionalNumber(k)) ?? 30;
  if (!(graceSeconds > 0)) {
    problems.push(
      `${at('eventHoleGraceSeconds')}: must be a positive number of seconds`,
    );
  }
  const retry: Partial<RetryOptions> = {};
  for (const key of ['maxAttempts', 'baseDelayMs', 'maxDelayMs'] as const) {
    const value = read(`retry.${key}`, (c, k) => c.getOptionalNumber(k));
    if (value !== undefined && !(value > 0 && Number.isInteger(value))) {
      problems.push(`${at(`retry.${key}`)}: must be a positive integer`);
    } else if (value !== undefined) {
      retry[key] = value;
    }
  }

  if (problems.length > 0) {
    throw new Error(
      `Invalid DynamoDB store configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return {
    tableName: tableName!,
    region: region!,
    endpoint,
    createTable,
    accountId,
    eventHoleGraceMs: graceSeconds * 1000,
    retry,
  };
}
