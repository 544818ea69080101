import { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DynamoDbNestorStore,
  DynamoDbNestorStoreOptions,
} from '../DynamoDbNestorStore';

// dynalite ships no types; this is the part used here
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}) => import('node:http').Server = require('dynalite');

/** A dynalite server running in this process. */
export interface TestDynalite {
  endpoint: string;
  /** A client for it with dummy credentials and the SDK's own retries off. */
  client(): DynamoDBClient;
  /** A table name not used before in this server. */
  uniqueTableName(prefix?: string): string;
  /** A store on a fresh table (several stores may share one with `tableName`). */
  createStore(
    options?: Partial<DynamoDbNestorStoreOptions>,
  ): Promise<DynamoDbNestorStore>;
  stop(): Promise<void>;
}

let tables = 0;

/**
 * Starts dynalite (an implementation of the DynamoDB API on LevelDB, in
 * memory) on 127.0.0.1 and a random port, with tables ACTIVE at once.
 */
export async function startDynalite(): Promise<TestDynalite> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = () =>
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  const uniqueTableName = (prefix = 'nestor-test') =>
    `${prefix}-${process.pid}-${++tables}`;
  return {
    endpoint,
    client,
    uniqueTableName,
    createStore: (options = {}) =>
      DynamoDbNestorStore.create({
        client: client(),
        tableName: uniqueTableName(),
        createTable: true,
        logger: mockServices.logger.mock(),
        ...options,
      }),
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
