import { promises as fs } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  CatalogSyncService,
  CliGitClient,
  DatabaseNestorStore,
  GitClient,
  GitSourceReader,
  IsomorphicGitClient,
  SourceReader,
} from '@nestor/plugin-nestor-backend';
import { GitHttpServer, GitWorkTree } from '@nestor/test-utils';
import knexFactory, { Knex } from 'knex';
import { BenchResult } from '../report/BenchResult';
import {
  buffetItemPath,
  buffetItemYaml,
  writeBuffetTree,
} from './writeBuffetTree';

const PG_URL =
  process.env.NESTOR_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A fresh, empty database: SQLite in memory, or a new PostgreSQL database. */
async function freshDatabase(
  kind: string,
  run: number,
): Promise<{ knex: Knex; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    return { knex, drop: () => knex.destroy() };
  }
  const name = `nestor_bench_sync_${process.pid}_${run}`;
  const admin = knexFactory({ client: 'pg', connection: `${PG_URL}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
  await admin.raw(`CREATE DATABASE ${name}`);
  const knex = knexFactory({ client: 'pg', connection: `${PG_URL}/${name}` });
  return {
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

/** Wraps a reader to time its reads (the Git fetch and diff). */
function timedReader(reader: SourceReader, times: number[]): SourceReader {
  return {
    async read(options) {
      const start = process.hrtime.bigint();
      try {
        return await reader.read(options);
      } finally {
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    },
    markSynced: commit => reader.markSynced!(commit),
  };
}

async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/**
 * `npm run bench -- catalog-sync [--items N] [--runs N] [--edits N] [--db sqlite|postgres] [--git cli|isomorphic]`
 *
 * A buffet repository of N definitions (10,000 by default, one file each,
 * 100 files a folder) pushed to a real Git server (`git http-backend` over
 * HTTP on 127.0.0.1). Each run starts from an empty store and an empty local
 * copy and times a full sync (clone, list, read, parse, validate, write
 * items + history + events + status); then, `--edits` times, one file is
 * changed, committed and pushed, and an incremental sync is timed. Reports
 * the medians and the incremental / full ratio (target ≤ 1 %) and checks
 * every sync did what it should (all items written; one file parsed and
 * one item written per edit), so a fast wrong answer cannot pass.
 */
export async function main(args: string[]): Promise<BenchResult> {
  const items = Number(option(args, '--items') ?? 10_000);
  const runs = Number(option(args, '--runs') ?? 3);
  const edits = Number(option(args, '--edits') ?? 5);
  const db = option(args, '--db') ?? 'sqlite';
  const client: GitClient =
    option(args, '--git') === 'isomorphic'
      ? IsomorphicGitClient.create()
      : CliGitClient.create();

  const server = await GitHttpServer.start();
  const work = await GitWorkTree.create(await server.createRepo('buffet'));
  try {
    const prepared = await timed(async () => {
      await writeBuffetTree(work.dir, items);
      await work.commit(`${items} definitions`);
      await work.push();
    });
    console.log(
      `catalog sync: ${items.toLocaleString(
        'en-US',
      )} definitions in ${items.toLocaleString('en-US')} files, ` +
        `served by git http-backend on 127.0.0.1; store: ${db}; git client: ${client.name}; ` +
        `${runs} runs x (1 full + ${edits} incremental); repository prepared in ${(
          prepared.ms / 1000
        ).toFixed(1)} s ` +
        `(Node ${process.version}, load average ${loadavg()[0].toFixed(1)})\n`,
    );

    const fulls: number[] = [];
    const fullReads: number[] = [];
    const incrementals: number[] = [];
    const incrementalReads: number[] = [];
    const incrementalOwn: number[] = [];
    const noChange: number[] = [];
    let edit = 0;
    for (let run = 1; run <= runs; run++) {
      const database = await freshDatabase(db, run);
      const workDir = await fs.mkdtemp(
        path.join(tmpdir(), 'nestor-bench-sync-'),
      );
      try {
        const store = await DatabaseNestorStore.create({
          database: { getClient: async () => database.knex },
        });
        const gitReader = GitSourceReader.create({
          sourceId: 'bench',
          url: server.url('buffet'),
          branch: 'main',
          workDir,
          client,
          credentials: async () => undefined,
        });
        const readTimes: number[] = [];
        const reader = timedReader(gitReader, readTimes);
        const sync = CatalogSyncService.create({
          sources: [
            {
              config: {
                id: 'bench',
                url: server.url('buffet'),
                branch: 'main',
              },
              reader,
            },
          ],
          store,
          events: { publish: events => store.events.append(events) },
          logger: mockServices.rootLogger({ level: 'none' }),
        });

        const full = await timed(() => sync.sync('bench'));
        const result = full.value;
        if (
          !result.full ||
          result.updated.length !== items ||
          result.status.errors.length > 0 ||
          result.status.itemCount !== items
        ) {
          throw new Error(
            `full sync did not write ${items} items: ${JSON.stringify({
              ...result,
              updated: result.updated.length,
            })}`,
          );
        }
        fulls.push(full.ms);
        fullReads.push(readTimes[0]);
        const perRun: number[] = [];
        for (let e = 0; e < edits; e++) {
          edit++;
          const index = (edit * 7919) % items;
          await work.commitAndPush(
            { [buffetItemPath(index)]: buffetItemYaml(index, `1.0.${edit}`) },
            `edit ${edit}`,
          );
          const inc = await timed(() => sync.sync('bench'));
          const name = `item-${String(index).padStart(5, '0')}`;
          if (
            inc.value.full ||
            inc.value.filesParsed !== 1 ||
            inc.value.updated.join() !== name
          ) {
            throw new Error(
              `incremental sync did not parse one file and write ${name}: ${JSON.stringify(
                inc.value,
              )}`,
            );
          }
          perRun.push(inc.ms);
          incrementalReads.push(readTimes[readTimes.length - 1]);
          incrementalOwn.push(inc.ms - readTimes[readTimes.length - 1]);
        }
        incrementals.push(...perRun);
        // the floor of any sync: fetch and diff when nothing changed
        const idle = await timed(() => sync.sync('bench'));
        if (idle.value.filesParsed !== 0 || idle.value.updated.length !== 0) {
          throw new Error(
            `a sync without a change did work: ${JSON.stringify(idle.value)}`,
          );
        }
        noChange.push(idle.ms);
        console.log(
          `run ${run}: full ${full.ms.toFixed(0)} ms (${Math.round(
            items / (full.ms / 1000),
          ).toLocaleString('en-US')} items/s, ` +
            `clone + listing ${readTimes[0].toFixed(0)} ms); ` +
            `incremental ${perRun
              .map(ms => ms.toFixed(1))
              .join(', ')} ms; no change ${noChange[
              noChange.length - 1
            ].toFixed(1)} ms`,
        );
      } finally {
        await database.drop();
        await fs.rm(workDir, { recursive: true, force: true });
      }
    }

    const full = median(fulls);
    const incremental = median(incrementals);
    const own = median(incrementalOwn);
    const ratio = incremental / full;
    const ownRatio = own / full;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log('');
    console.log(
      `full sync          median ${full
        .toFixed(0)
        .padStart(7)} ms  (of which clone + listing ${median(fullReads).toFixed(
        0,
      )} ms)   target ≤ 5000 ms   ${verdict(full <= 5000)}`,
    );
    console.log(
      `incremental sync   median ${incremental.toFixed(1).padStart(7)} ms  = ${(
        ratio * 100
      ).toFixed(2)} % of full   target ≤ 1 %   ${verdict(ratio <= 0.01)}`,
    );
    console.log(
      `  git fetch + diff median ${median(incrementalReads)
        .toFixed(1)
        .padStart(
          7,
        )} ms  (git processes, HTTP, and the server's git http-backend + upload-pack per request)`,
    );
    console.log(
      `no-change sync     median ${median(noChange)
        .toFixed(1)
        .padStart(
          7,
        )} ms  (the same fetch and diff with nothing to do: the floor of any sync)`,
    );
    console.log(
      `  the rest         median ${own.toFixed(1).padStart(7)} ms  = ${(
        ownRatio * 100
      ).toFixed(
        2,
      )} % of full (read 1 file, parse, validate, plan, write, events, status)`,
    );
    const ms = (n: number, d = 1) => `${n.toFixed(d)} ms`;
    return {
      name: 'catalog-sync',
      title: 'Catalog sync from Git',
      setup:
        `${items.toLocaleString(
          'en-US',
        )} definitions, one file each, served by \`git http-backend\` on 127.0.0.1; store ${db}; ` +
        `git client ${client.name}; median of ${runs} full sync(s) and ${incrementals.length} one-file incremental syncs. ` +
        'The baseline (the Backstage catalog ingesting the same number of entities) is measured by `catalog-api`.',
      table: {
        columns: ['step', 'median'],
        rows: [
          [
            'full sync',
            `${ms(full, 0)} (${Math.round(items / (full / 1000)).toLocaleString(
              'en-US',
            )} items/s; clone + listing ${ms(median(fullReads), 0)})`,
          ],
          [
            'one-file incremental sync',
            `${ms(incremental)} = ${(ratio * 100).toFixed(2)} % of full`,
          ],
          ['  of which git fetch + diff', ms(median(incrementalReads))],
          [
            '  the rest (read, parse, validate, write, events)',
            `${ms(own)} = ${(ownRatio * 100).toFixed(2)} % of full`,
          ],
          ['sync with no change (the floor)', ms(median(noChange))],
        ],
      },
      targets: [
        {
          target: 'full sync of 10,000 definitions ≤ 5 s',
          measured: `${ms(full, 0)} for ${items.toLocaleString('en-US')}`,
          pass: full <= 5000,
        },
        {
          target: 'one-file sync ≤ 1 % of a full sync',
          measured: `${(ratio * 100).toFixed(2)} %`,
          pass: ratio <= 0.01,
        },
      ],
      metrics: {
        fullMs: full,
        fullItemsPerSecond: items / (full / 1000),
        incrementalMs: incremental,
      },
    };
  } finally {
    await server.stop();
    await work.remove();
  }
}
