import { LoggerService } from '@backstage/backend-plugin-api';
import { TableClient } from '../client/TableClient';

/**
 * One step of the table's schema. Migrations run in `version` order, each
 * at most once per table in the normal case; a replica that dies in the
 * middle of one leaves it to be run again by the next, so `up` must be
 * idempotent (conditional writes, or writes that converge).
 * @public
 */
export interface DynamoDbMigration {
  /** The schema version the table is at once this migration ran: 1, 2, 3, … */
  version: number;
  /** A short description, logged. */
  name: string;
  up(context: { table: TableClient; logger: LoggerService }): Promise<void>;
}
