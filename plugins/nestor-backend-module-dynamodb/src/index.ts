/**
 * Nestor's store on DynamoDB, as a backend module of the `nestor` plugin.
 *
 * @packageDocumentation
 */

export { nestorModuleDynamoDbStore as default } from './module';
export { DynamoDbNestorStore } from './DynamoDbNestorStore';
export type { DynamoDbNestorStoreOptions } from './DynamoDbNestorStore';
export { readDynamoDbStoreConfig } from './config/readDynamoDbStoreConfig';
export type { DynamoDbStoreConfig } from './config/readDynamoDbStoreConfig';
export { DynamoDbStoreMetrics } from './client/DynamoDbStoreMetrics';
export type { DynamoDbStoreMetricsSnapshot } from './client/DynamoDbStoreMetrics';
export { DEFAULT_RETRY_OPTIONS } from './client/RetryPolicy';
export type { RetryOptions } from './client/RetryPolicy';
export type { DynamoDbMigration } from './migrations/types';
export { tableDefinition } from './schema/tableSchema';
