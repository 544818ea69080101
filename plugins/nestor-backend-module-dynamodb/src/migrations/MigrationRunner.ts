import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { isConditionalCheckFailed, TableClient } from '../client/TableClient';
import { keys } from '../schema/keys';
import { DynamoDbMigration } from './types';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Timing of the migration lock. */
export interface MigrationLockOptions {
  /** How long a lock holder may be silent before another replica takes over. Default 60 s. */
  leaseMs: number;
  /** How often a waiting replica looks again. Default 500 ms. */
  pollMs: number;
  /** How long a replica waits for another one's migrations before giving up. Default 10 minutes. */
  waitMs: number;
}

const DEFAULT_LOCK: MigrationLockOptions = {
  leaseMs: 60_000,
  pollMs: 500,
  waitMs: 600_000,
};

/**
 * Brings the table to the latest schema version, safely from many replicas
 * at once. The version lives in the item `META` / `SCHEMA`. A replica that
 * finds it behind takes the lock item `META` / `MIGRATION_LOCK` with a
 * conditional put (free, expired or already its own), renews it while it
 * works, runs the missing migrations in order and after each one moves the
 * version with an update conditional on the version it started from. The
 * other replicas wait until the version is current (or the lock expires, and
 * one of them takes over). A table at a newer version than this code knows
 * stops start-up: an older release must not write to a newer schema.
 */
export class MigrationRunner {
  readonly #table: TableClient;
  readonly #migrations: DynamoDbMigration[];
  readonly #logger: LoggerService;
  readonly #lock: MigrationLockOptions;
  readonly #owner = randomUUID();

  static create(options: {
    table: TableClient;
    migrations: DynamoDbMigration[];
    logger: LoggerService;
    lock?: Partial<MigrationLockOptions>;
  }): MigrationRunner {
    const sorted = [...options.migrations].sort(
      (a, b) => a.version - b.version,
    );
    sorted.forEach((m, i) => {
      if (m.version !== i + 1) {
        throw new Error(
          `DynamoDB migrations must be numbered 1, 2, 3, … without gaps; found ${
            m.version
          } ("${m.name}") at position ${i + 1}`,
        );
      }
    });
    return new MigrationRunner(options.table, sorted, options.logger, {
      ...DEFAULT_LOCK,
      ...options.lock,
    });
  }

  private constructor(
    table: TableClient,
    migrations: DynamoDbMigration[],
    logger: LoggerService,
    lock: MigrationLockOptions,
  ) {
    this.#table = table;
    this.#migrations = migrations;
    this.#logger = logger;
    this.#lock = lock;
  }

  /** The version the table is at (0 before any migration). */
  async currentVersion(): Promise<number> {
    const item = await this.#table.get(keys.schemaVersion());
    return Number(item?.version ?? 0);
  }

  /** Runs what is missing, or waits for the replica that does; returns the version reached. */
  async run(): Promise<number> {
    const latest = this.#migrations.length;
    const giveUpAt = Date.now() + this.#lock.waitMs;
    for (;;) {
      const current = await this.currentVersion();
      if (current > latest) {
        throw new Error(
          `DynamoDB table "${
            this.#table.tableName
          }" is at schema version ${current}, newer than this Nestor knows (${latest}); upgrade Nestor`,
        );
      }
      if (current === latest) {
        return current;
      }
      if (await this.#acquire()) {
        try {
          await this.#migrateFrom(await this.currentVersion());
        } finally {
          await this.#release();
        }
        continue;
      }
      if (Date.now() > giveUpAt) {
        throw new Error(
          `Timed out waiting for another replica to migrate DynamoDB table "${
            this.#table.tableName
          }"`,
        );
      }
      await sleep(this.#lock.pollMs);
    }
  }

  async #migrateFrom(start: number): Promise<void> {
    let version = start;
    for (const migration of this.#migrations.filter(m => m.version > start)) {
      this.#logger.info(
        `Migrating DynamoDB table "${this.#table.tableName}" to version ${
          migration.version
        }: ${migration.name}`,
      );
      const renewal = setInterval(
        () => void this.#acquire().catch(() => undefined),
        this.#lock.leaseMs / 3,
      );
      try {
        await migration.up({ table: this.#table, logger: this.#logger });
      } finally {
        clearInterval(renewal);
      }
      try {
        await this.#table.update({
          Key: keys.schemaVersion(),
          UpdateExpression: 'SET #version = :next, appliedAt = :now',
          ConditionExpression:
            version === 0
              ? 'attribute_not_exists(#version) OR #version = :zero'
              : '#version = :current',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':next': migration.version,
            ':now': new Date().toISOString(),
            ...(version === 0 ? { ':zero': 0 } : { ':current': version }),
          },
        });
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          // another replica moved the version meanwhile (our lock had expired): start over
          return;
        }
        throw error;
      }
      version = migration.version;
    }
  }

  async #acquire(): Promise<boolean> {
    const now = Date.now();
    try {
      await this.#table.put(
        {
          ...keys.migrationLock(),
          owner: this.#owner,
          expiresAt: now + this.#lock.leaseMs,
        },
        {
          condition:
            'attribute_not_exists(PK) OR expiresAt < :now OR #owner = :owner',
          names: { '#owner': 'owner' },
          values: { ':now': now, ':owner': this.#owner },
        },
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw error;
    }
  }

  async #release(): Promise<void> {
    try {
      await this.#table.delete(keys.migrationLock(), {
        condition: '#owner = :owner',
        names: { '#owner': 'owner' },
        values: { ':owner': this.#owner },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
  }
}
