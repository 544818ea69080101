import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BenchResult } from '../report/BenchResult';
import { writeBuffetTree } from '../catalog-sync/writeBuffetTree';
import { BenchChild } from '../sse/ipc';

interface Load {
  label: string;
  path: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function load(
  baseUrl: string,
  token: string,
  label: string,
  route: string,
  seconds: number,
  connections: number,
): Promise<Load> {
  const result = await autocannon({
    url: `${baseUrl}${route}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
  });
  const measured = {
    label,
    path: route,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  console.log(
    `  ${label.padEnd(34)} ${measured.requestsPerSecond
      .toFixed(0)
      .padStart(6)} req/s  p50 ${measured.p50} ms  p99 ${measured.p99} ms  ` +
      `non-2xx ${measured.non2xx}  errors ${measured.errors}`,
  );
  return measured;
}

/**
 * `npm run bench -- catalog-api [--quick] [--items N] [--seconds S] [--connections C] [--no-ingest]`
 *
 * One backend process (see catalogApiServer.ts) serving Nestor's catalog of N
 * items (10,000; 1,000 with `--quick`), the Backstage catalog with the same N
 * items as `Resource` entities, and a static 50-item JSON route. `autocannon`
 * with C connections (50) for S seconds (20; 5 with `--quick`) against each
 * list route, then each by-name route. Also times the catalog's ingestion of
 * the N entities: the baseline of the catalog-sync target.
 */
export async function main(args: string[]): Promise<BenchResult> {
  const quick = args.includes('--quick');
  const items = Number(option(args, '--items') ?? (quick ? 1000 : 10_000));
  const seconds = Number(option(args, '--seconds') ?? (quick ? 5 : 20));
  const connections = Number(option(args, '--connections') ?? 50);
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'nestor-bench-api-'));
  const server = BenchChild.start('../catalog-api/catalogApiServer.ts');
  try {
    await writeBuffetTree(dir, items);
    const { baseUrl, token, nestorReadyMs } = await server.request<{
      baseUrl: string;
      token: string;
      nestorReadyMs: number;
    }>('start', { items, dir });
    console.log(
      `catalog API: ${items.toLocaleString(
        'en-US',
      )} items, ${connections} connections, ${seconds} s a route; Nestor synced and serving in ${(
        nestorReadyMs / 1000
      ).toFixed(1)} s after start`,
    );
    const { ingestMs } = await server.request<{ ingestMs: number }>('ingest', {
      items,
    });
    const ingestRate = items / (ingestMs / 1000);
    console.log(
      `  Backstage catalog ingested ${items.toLocaleString(
        'en-US',
      )} Resource entities in ${(ingestMs / 1000).toFixed(
        1,
      )} s (${ingestRate.toFixed(1)} entities/s)\n`,
    );

    const name = `item-${String(Math.floor(items / 2)).padStart(5, '0')}`;
    const run = (label: string, route: string) =>
      load(baseUrl, token, label, route, seconds, connections);
    // a short warm-up of each route, then the measured runs
    for (const route of [
      '/api/bench-static/items',
      '/api/nestor/catalog?limit=50',
      '/api/catalog/entities/by-query?filter=kind=resource&limit=50',
    ]) {
      await autocannon({
        url: `${baseUrl}${route}`,
        connections: 10,
        duration: 1,
        headers: { authorization: `Bearer ${token}` },
      });
    }
    const floor = await run(
      'static 50-item JSON (floor)',
      '/api/bench-static/items',
    );
    const nestor = await run(
      'Nestor GET /catalog?limit=50',
      '/api/nestor/catalog?limit=50',
    );
    const catalog = await run(
      'Backstage by-query limit=50',
      '/api/catalog/entities/by-query?filter=kind=resource&limit=50',
    );
    const nestorByName = await run(
      'Nestor GET /catalog/{name}',
      `/api/nestor/catalog/${name}`,
    );
    const catalogByName = await run(
      'Backstage by-name',
      `/api/catalog/entities/by-name/resource/default/${name}`,
    );

    const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const row = (l: Load, vs?: Load) => [
      l.label,
      l.requestsPerSecond.toFixed(0),
      String(l.p50),
      String(l.p99),
      String(l.non2xx + l.errors),
      vs ? x(l.requestsPerSecond, vs.requestsPerSecond) : '',
    ];
    const clean = [floor, nestor, catalog, nestorByName, catalogByName].every(
      l => l.non2xx === 0 && l.errors === 0,
    );
    const targets = [
      {
        target: 'GET /catalog?limit=50 ≥ 30× Backstage by-query',
        measured: x(nestor.requestsPerSecond, catalog.requestsPerSecond),
        pass: nestor.requestsPerSecond >= 30 * catalog.requestsPerSecond,
      },
      {
        target: 'GET /catalog?limit=50 ≥ 1,100 req/s',
        measured: `${nestor.requestsPerSecond.toFixed(0)} req/s`,
        pass: nestor.requestsPerSecond >= 1100,
      },
      {
        target: 'GET /catalog?limit=50 p99 < 100 ms',
        measured: `${nestor.p99} ms`,
        pass: nestor.p99 < 100,
      },
      {
        target: 'GET /catalog?limit=50 ≥ 50 % of the static-route floor',
        measured: `${(
          (nestor.requestsPerSecond / floor.requestsPerSecond) *
          100
        ).toFixed(0)} %`,
        pass: nestor.requestsPerSecond >= 0.5 * floor.requestsPerSecond,
      },
      {
        target: 'GET /catalog/{name} ≥ 1.5× Backstage by-name',
        measured: x(
          nestorByName.requestsPerSecond,
          catalogByName.requestsPerSecond,
        ),
        pass:
          nestorByName.requestsPerSecond >=
          1.5 * catalogByName.requestsPerSecond,
      },
      {
        target: 'every response 2xx',
        measured: clean ? 'yes' : 'no',
        pass: clean,
      },
    ];
    console.log('\ntargets');
    for (const t of targets)
      console.log(`  ${t.pass ? 'MET ' : 'MISS'} ${t.target}: ${t.measured}`);
    return {
      name: 'catalog-api',
      title: 'Catalog API under load',
      setup:
        `One Backstage backend process (\`createBackend\`, SQLite in memory, static-token auth) with Nestor (${items.toLocaleString(
          'en-US',
        )} items synced from a local folder), ` +
        `the Backstage catalog (the same ${items.toLocaleString(
          'en-US',
        )} items as \`Resource\` entities from an entity provider) and a static 50-item JSON route; ` +
        `\`autocannon\` in another process, ${connections} connections, ${seconds} s a route, after a 1 s warm-up of each list route.`,
      table: {
        columns: [
          'route',
          'req/s',
          'p50 (ms)',
          'p99 (ms)',
          'non-2xx + errors',
          'ratio',
        ],
        rows: [
          row(floor),
          row(nestor, catalog),
          row(catalog),
          row(nestorByName, catalogByName),
          row(catalogByName),
        ],
      },
      targets,
      metrics: {
        catalogIngestItemsPerSecond: ingestRate,
        catalogIngestMs: ingestMs,
      },
      notes: [
        `Backstage catalog ingestion of ${items.toLocaleString(
          'en-US',
        )} \`Resource\` entities (entity provider mutation to all of them answering by-query): ` +
          `${(ingestMs / 1000).toFixed(1)} s, ${ingestRate.toFixed(
            1,
          )} entities/s. This is the baseline of the catalog-sync target.`,
        'Ratios: Nestor list against Backstage by-query; Nestor by-name against Backstage by-name.',
      ],
    };
  } finally {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
