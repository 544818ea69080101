import { m001_logMarks } from './m001_logMarks';
import { DynamoDbMigration } from './types';

/** The table's migrations, in order. Append new ones; never change or remove one that shipped. */
export const migrations: DynamoDbMigration[] = [m001_logMarks];
