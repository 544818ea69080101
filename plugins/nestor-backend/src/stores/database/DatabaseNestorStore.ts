import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { DatabaseCatalogStore } from './DatabaseCatalogStore';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { DatabaseEventStore } from './DatabaseEventStore';
import { DatabasePolicyStore } from './DatabasePolicyStore';
import { DatabaseSourceStore } from './DatabaseSourceStore';
import { DatabaseTeamStore } from './DatabaseTeamStore';

const migrationsDir = resolvePackagePath(
  '@nestor/plugin-nestor-backend',
  'migrations',
);

/**
 * Nestor's default store, on Backstage's database service (Knex): SQLite,
 * in memory or on disk, and PostgreSQL. Migrations ship in the package's
 * `migrations/` folder and run at creation unless the database service says
 * to skip them.
 * @public
 */
export class DatabaseNestorStore implements NestorStore {
  readonly catalog: DatabaseCatalogStore;
  readonly sources: DatabaseSourceStore;
  readonly teams: DatabaseTeamStore;
  readonly policies: DatabasePolicyStore;
  readonly deployments: DatabaseDeploymentStore;
  readonly events: DatabaseEventStore;
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseNestorStore> {
    const db = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'nestor_knex_migrations',
      });
    }
    return new DatabaseNestorStore(db);
  }

  private constructor(db: Knex) {
    this.#db = db;
    this.catalog = new DatabaseCatalogStore(db);
    this.sources = new DatabaseSourceStore(db);
    this.teams = new DatabaseTeamStore(db);
    this.policies = new DatabasePolicyStore(db);
    this.deployments = new DatabaseDeploymentStore(db);
    this.events = new DatabaseEventStore(db);
  }

  async ping(): Promise<void> {
    await this.#db.raw('select 1');
  }
}
