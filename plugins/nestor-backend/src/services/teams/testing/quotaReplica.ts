/*
 * One replica of the quota concurrency test, run as its own Node process:
 * connects to the shared PostgreSQL database, waits for "go" on stdin, fires
 * its share of reservations at once and prints how many were admitted.
 */
import knexFactory from 'knex';
import readline from 'node:readline';
import { DatabaseNestorStore } from '../../../stores/database/DatabaseNestorStore';
import { QuotaService } from '../QuotaService';

async function main() {
  const connection = JSON.parse(process.env.NESTOR_TEST_PG_CONNECTION!);
  const requests = Number(process.env.NESTOR_TEST_REQUESTS);
  const replica = process.env.NESTOR_TEST_REPLICA!;
  const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 10 } });
  const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex }, skipMigrations: true });
  const quotas = QuotaService.create({ teams: store.teams, events: { publish: events => store.events.append(events) } });
  await store.ping();
  process.stdout.write('ready\n');
  await new Promise<void>(resolve => readline.createInterface({ input: process.stdin }).once('line', () => resolve()));
  const results = await Promise.all(
    Array.from({ length: requests }, (_, i) =>
      quotas.reserve({
        team: 'team-a',
        environment: 'dev',
        resourceType: 'database.postgresql',
        monthlyCost: 10,
        ref: `team-a/dev/${replica}-${i}`,
      }),
    ),
  );
  process.stdout.write(`${JSON.stringify({ admitted: results.filter(r => r.ok).length, refused: results.filter(r => !r.ok).length })}\n`);
  await knex.destroy();
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
