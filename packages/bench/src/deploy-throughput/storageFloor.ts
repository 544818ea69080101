import { Knex } from 'knex';

/** What {@link runStorageFloor} writes: the shape of the deployments Nestor just wrote. */
export interface StorageFloorOptions {
  /** deployments */
  rows: number;
  /** phase changes per deployment after its creation (each an update and an event) */
  steps: number;
  /** bytes of the deployment document written on each insert and update */
  documentBytes: number;
  /** bytes of each event */
  eventBytes: number;
  /** deployments written at once */
  concurrency: number;
}

/**
 * The floor of the deploy-throughput benchmark: the writes a deployment's
 * life needs at the least, with knex on the same database and nothing else
 * (no HTTP, no checks, no engine, no reads): per deployment one insert of
 * its document and an event, then per phase change one optimistic update
 * (`WHERE id AND version`) of the document and one event, each event
 * appended in a transaction that takes the next id from a counter row (as an
 * ordered, gapless event log needs). Returns the wall time in ms and what
 * was written; its tables are dropped again.
 */
export async function runStorageFloor(
  db: Knex,
  options: StorageFloorOptions,
): Promise<{ ms: number; deployments: number; events: number }> {
  await db.schema.dropTableIfExists('floor_deployments');
  await db.schema.dropTableIfExists('floor_events');
  await db.schema.dropTableIfExists('floor_counters');
  await db.schema.createTable('floor_deployments', t => {
    t.string('id').primary();
    t.text('data').notNullable();
    t.integer('version').notNullable();
  });
  await db.schema.createTable('floor_events', t => {
    t.bigInteger('id').primary();
    t.string('type').notNullable();
    t.text('data').notNullable();
  });
  await db.schema.createTable('floor_counters', t => {
    t.string('name').primary();
    t.bigInteger('value').notNullable();
  });
  await db('floor_counters').insert({ name: 'events', value: 0 });

  const document = 'd'.repeat(options.documentBytes);
  const eventData = 'e'.repeat(options.eventBytes);
  const appendEvent = (type: string) =>
    db.transaction(async tx => {
      await tx('floor_counters')
        .where({ name: 'events' })
        .increment('value', 1);
      const { value } = await tx('floor_counters')
        .select('value')
        .where({ name: 'events' })
        .first();
      await tx('floor_events').insert({
        id: Number(value),
        type,
        data: eventData,
      });
    });

  const lifecycle = async (index: number) => {
    const id = `floor-${index}`;
    await db('floor_deployments').insert({ id, data: document, version: 0 });
    await appendEvent('deployment.created');
    for (let step = 0; step < options.steps; step++) {
      const changed = await db('floor_deployments')
        .where({ id, version: step })
        .update({ data: document, version: step + 1 });
      if (changed !== 1) throw new Error(`floor: lost update of ${id}`);
      await appendEvent('deployment.phase');
    }
  };

  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.rows) await lifecycle(next++);
    }),
  );
  const ms = performance.now() - started;
  const [{ deployments }] = await db('floor_deployments')
    .where({ version: options.steps })
    .count({ deployments: '*' });
  const [{ events }] = await db('floor_events').count({ events: '*' });
  await db.schema.dropTable('floor_deployments');
  await db.schema.dropTable('floor_events');
  await db.schema.dropTable('floor_counters');
  return { ms, deployments: Number(deployments), events: Number(events) };
}
