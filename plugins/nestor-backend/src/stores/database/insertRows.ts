import { Knex } from 'knex';

/**
 * Bound values per statement: far below SQLite's (32,766) and PostgreSQL's
 * (65,535) limits, large enough that a 10,000-row write is a few statements.
 */
const MAX_BINDINGS_PER_STATEMENT = 10_000;

/** How {@link insertRows} treats a row whose key exists. */
export interface InsertRowsOptions {
  /** Upsert: on a conflict on `key`, overwrite the `merge` columns. */
  onConflict?: { key: string[]; merge: string[] };
  /** Columns to return for every inserted row. */
  returning?: string[];
}

/**
 * Multi-row `INSERT ... VALUES (...), (...)`, optionally an upsert, in as few
 * statements as the binding limit allows. Knex's own builder writes SQLite
 * multi-row inserts as compound SELECTs (capped at 500 terms) and spends more
 * time compiling a large insert than the database spends running it; this
 * writes SQL that SQLite (3.35+) and PostgreSQL both accept as is.
 */
export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
  options: InsertRowsOptions = {},
): Promise<Array<Record<string, unknown>>> {
  if (rows.length === 0) {
    return [];
  }
  const columns = Object.keys(rows[0]);
  const rowsPerStatement = Math.max(
    1,
    Math.floor(MAX_BINDINGS_PER_STATEMENT / columns.length),
  );
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO ${quote(table)} (${columns
    .map(quote)
    .join(', ')}) VALUES `;
  let tail = '';
  if (options.onConflict) {
    const { key, merge } = options.onConflict;
    tail += ` ON CONFLICT (${key.map(quote).join(', ')}) DO UPDATE SET ${merge
      .map(column => `${quote(column)} = excluded.${quote(column)}`)
      .join(', ')}`;
  }
  if (options.returning) {
    tail += ` RETURNING ${options.returning.map(quote).join(', ')}`;
  }

  const returned: Array<Record<string, unknown>> = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const slice = rows.slice(start, start + rowsPerStatement);
    const bindings: unknown[] = [];
    for (const row of slice) {
      for (const column of columns) {
        bindings.push(row[column] ?? null);
      }
    }
    const sql = head + new Array(slice.length).fill(tuple).join(', ') + tail;
    const result = await db.raw(sql, bindings as Knex.RawBinding[]);
    if (options.returning) {
      returned.push(...(Array.isArray(result) ? result : result.rows));
    }
  }
  return returned;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
