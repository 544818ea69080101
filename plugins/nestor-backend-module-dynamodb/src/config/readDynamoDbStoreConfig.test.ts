import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readDynamoDbStoreConfig } from './readDynamoDbStoreConfig';

const read = (dynamodb: JsonObject) =>
  readDynamoDbStoreConfig(
    new ConfigReader({ nestor: { storage: { type: 'dynamodb', dynamodb } } }),
  );

describe('readDynamoDbStoreConfig', () => {
  it('applies defaults to a minimal block', () => {
    expect(read({ tableName: 'nestor', region: 'eu-west-1' })).toEqual({
      tableName: 'nestor',
      region: 'eu-west-1',
      endpoint: undefined,
      createTable: false,
      accountId: undefined,
      eventHoleGraceMs: 30_000,
      retry: {},
    });
  });

  it('reads every key', () => {
    expect(
      read({
        tableName: 'nestor-dev',
        region: 'local',
        endpoint: 'http://127.0.0.1:4567',
        createTable: true,
        accountId: '123456789012',
        eventHoleGraceSeconds: 5,
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
      }),
    ).toEqual({
      tableName: 'nestor-dev',
      region: 'local',
      endpoint: 'http://127.0.0.1:4567',
      createTable: true,
      accountId: '123456789012',
      eventHoleGraceMs: 5000,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    });
  });

  it('names every bad key at once', () => {
    let message = '';
    try {
      read({
        tableName: 'x',
        endpoint: 'localhost:4567',
        createTable: 'maybe',
        eventHoleGraceSeconds: 0,
        retry: { maxAttempts: 1.5 },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid DynamoDB store configuration:');
    expect(lines.slice(1)).toEqual([
      '  - nestor.storage.dynamodb.tableName: "x" is not a DynamoDB table name (3-255 of a-z, A-Z, 0-9, _ . -)',
      '  - nestor.storage.dynamodb.region: required, e.g. eu-west-1 (any value for a local endpoint)',
      '  - nestor.storage.dynamodb.endpoint: "localhost:4567" is not an http(s) URL',
      expect.stringMatching(
        /^ {2}- nestor\.storage\.dynamodb\.createTable: .*boolean/,
      ),
      '  - nestor.storage.dynamodb.eventHoleGraceSeconds: must be a positive number of seconds',
      '  - nestor.storage.dynamodb.retry.maxAttempts: must be a positive integer',
    ]);
  });

  it('asks for the block when the store type is dynamodb but the block is missing', () => {
    expect(() =>
      readDynamoDbStoreConfig(
        new ConfigReader({ nestor: { storage: { type: 'dynamodb' } } }),
      ),
    ).toThrow(
      'nestor.storage.dynamodb.tableName: required when nestor.storage.type is "dynamodb"',
    );
  });
});
