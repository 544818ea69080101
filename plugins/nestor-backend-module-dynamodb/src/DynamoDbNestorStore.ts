import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { DynamoDbStoreMetrics } from './client/DynamoDbStoreMetrics';
import { RetryOptions, RetryPolicy } from './client/RetryPolicy';
import { TableClient } from './client/TableClient';
import { readDynamoDbStoreConfig } from './config/readDynamoDbStoreConfig';
import {
  MigrationLockOptions,
  MigrationRunner,
} from './migrations/MigrationRunner';
import { migrations as defaultMigrations } from './migrations/migrations';
import { DynamoDbMigration } from './migrations/types';
import { DynamoDbCatalogStore } from './parts/DynamoDbCatalogStore';
import { DynamoDbDeploymentStore } from './parts/DynamoDbDeploymentStore';
import { DynamoDbEventStore } from './parts/DynamoDbEventStore';
import { DynamoDbPolicyStore } from './parts/DynamoDbPolicyStore';
import { DynamoDbSourceStore } from './parts/DynamoDbSourceStore';
import { DynamoDbTeamStore } from './parts/DynamoDbTeamStore';
import { ensureTable } from './schema/ensureTable';
import { keys } from './schema/keys';

/**
 * Options of {@link DynamoDbNestorStore.create}.
 * @public
 */
export interface DynamoDbNestorStoreOptions {
  /** A client for the table's region and endpoint. Its own retries are best turned off (`maxAttempts: 1`): the store retries and counts. */
  client: DynamoDBClient;
  tableName: string;
  /** Create the table when it is missing (development). Default false. */
  createTable?: boolean;
  logger: LoggerService;
  metrics?: MetricsService;
  retry?: Partial<RetryOptions>;
  /** How long a missing event id may still be filled before readers seal it. Default 30 s. */
  eventHoleGraceMs?: number;
  /** Replaces the built-in migrations (tests). */
  migrations?: DynamoDbMigration[];
  migrationLock?: Partial<MigrationLockOptions>;
}

/**
 * Nestor's store on one DynamoDB table (single-table design; the module's
 * README documents every item and index). Correct without transactions:
 * conditional writes, optimistic versions, atomic counters. Start it with
 * {@link DynamoDbNestorStore.fromConfig} or {@link DynamoDbNestorStore.create}.
 * @public
 */
export class DynamoDbNestorStore implements NestorStore {
  readonly catalog: DynamoDbCatalogStore;
  readonly sources: DynamoDbSourceStore;
  readonly teams: DynamoDbTeamStore;
  readonly policies: DynamoDbPolicyStore;
  readonly deployments: DynamoDbDeploymentStore;
  readonly events: DynamoDbEventStore;
  /** Requests, throttles, retries and failures so far. */
  readonly metrics: DynamoDbStoreMetrics;
  readonly #table: TableClient;
  readonly #client: DynamoDBClient;

  /** Reads `nestor.storage.dynamodb`, takes credentials from Backstage's AWS config (`aws.*`) or the default chain, and starts. */
  static async fromConfig(
    config: Config,
    options: { logger: LoggerService; metrics?: MetricsService },
  ): Promise<DynamoDbNestorStore> {
    const settings = readDynamoDbStoreConfig(config);
    const credentials = await DefaultAwsCredentialsManager.fromConfig(
      config,
    ).getCredentialProvider(
      settings.accountId ? { accountId: settings.accountId } : undefined,
    );
    const client = new DynamoDBClient({
      region: settings.region,
      endpoint: settings.endpoint,
      credentials: credentials.sdkCredentialProvider,
      maxAttempts: 1,
    });
    options.logger.info(
      `DynamoDB store: table "${settings.tableName}" in ${settings.region}${
        settings.endpoint ? ` at ${settings.endpoint}` : ''
      }`,
    );
    return DynamoDbNestorStore.create({
      client,
      tableName: settings.tableName,
      createTable: settings.createTable,
      logger: options.logger,
      metrics: options.metrics,
      retry: settings.retry,
      eventHoleGraceMs: settings.eventHoleGraceMs,
    });
  }

  /** Checks (or creates) the table, runs pending migrations and returns the store. */
  static async create(
    options: DynamoDbNestorStoreOptions,
  ): Promise<DynamoDbNestorStore> {
    const metrics = DynamoDbStoreMetrics.create({ metrics: options.metrics });
    const retry = RetryPolicy.create({ retry: options.retry, metrics });
    await ensureTable({
      client: options.client,
      retry,
      tableName: options.tableName,
      create: options.createTable ?? false,
      logger: options.logger,
    });
    const table = TableClient.create({
      client: options.client,
      tableName: options.tableName,
      retry,
    });
    await MigrationRunner.create({
      table,
      migrations: options.migrations ?? defaultMigrations,
      logger: options.logger,
      lock: options.migrationLock,
    }).run();
    return new DynamoDbNestorStore(options, table, metrics);
  }

  private constructor(
    options: DynamoDbNestorStoreOptions,
    table: TableClient,
    metrics: DynamoDbStoreMetrics,
  ) {
    this.#table = table;
    this.#client = options.client;
    this.metrics = metrics;
    this.catalog = DynamoDbCatalogStore.create({ table });
    this.sources = DynamoDbSourceStore.create({ table });
    this.teams = DynamoDbTeamStore.create({ table });
    this.policies = DynamoDbPolicyStore.create({ table });
    this.deployments = DynamoDbDeploymentStore.create({ table });
    this.events = DynamoDbEventStore.create({
      table,
      holeGraceMs: options.eventHoleGraceMs ?? 30_000,
      logger: options.logger,
    });
  }

  async ping(): Promise<void> {
    await this.#table.get(keys.schemaVersion(), { consistent: false });
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    this.#client.destroy();
  }
}
