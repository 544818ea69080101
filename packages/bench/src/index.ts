/**
 * `npm run bench [-- --quick]`: runs every benchmark (at small sizes with
 * `--quick`, as CI does; that report goes to packages/bench/results/, not
 * committed) and writes docs/benchmarks.md with the figures, the ratios, the
 * targets and the machine. `npm run bench -- <name> [options]` runs one and
 * only prints. Each entry maps a name to a module exporting `main(args)`,
 * which prints its figures and returns a {@link BenchResult}; modules load
 * only when chosen.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { loadavg } from 'node:os';
import { BenchResult } from './report/BenchResult';
import { machineInfo } from './report/machineInfo';
import {
  BenchFailure,
  readReliabilitySection,
  renderBenchmarksDoc,
} from './report/writeBenchmarksDoc';
import { RELIABILITY_SECTION } from './report/reliabilitySection';

type BenchModule = { main(args: string[]): Promise<BenchResult | void> };

const benchmarks: Record<string, () => Promise<BenchModule>> = {
  'catalog-sync': () => import('./catalog-sync/catalogSyncBench'),
  'catalog-api': () => import('./catalog-api/catalogApiBench'),
  graph: () => import('./graph/graphBench'),
  sse: () => import('./sse/sseBench'),
  'deploy-throughput': () =>
    import('./deploy-throughput/deployThroughputBench'),
};

/** The arguments of each benchmark in a full run and in a quick one. */
const PLAN: Array<{ name: string; full: string[]; quick: string[] }> = [
  { name: 'graph', full: [], quick: ['--quick', '--runs', '1'] },
  {
    name: 'catalog-sync',
    full: [],
    quick: ['--items', '1000', '--runs', '1', '--edits', '3'],
  },
  { name: 'catalog-api', full: [], quick: ['--quick'] },
  {
    name: 'sse',
    full: [],
    quick: ['--connections', '1000', '--events', '20', '--runs', '1'],
  },
  {
    name: 'deploy-throughput',
    // the coordinator's defaults, and 16 at once: whether its concurrency is what bounds the run
    full: ['--concurrency', 'default,16'],
    quick: ['--quick'],
  },
];

// a script run from its source folder, never bundled
// eslint-disable-next-line no-restricted-syntax
const DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');
/** Where a quick run (CI's check that every benchmark still runs) writes, so it never replaces the full figures. */
// eslint-disable-next-line no-restricted-syntax
const QUICK_DOC = path.resolve(__dirname, '../results/benchmarks-quick.md');

async function load(name: string): Promise<BenchModule> {
  // a transpiled module may come back wrapped in `default`
  const loaded = (await benchmarks[name]()) as Partial<BenchModule> & {
    default?: BenchModule;
  };
  return loaded.main ? (loaded as BenchModule) : loaded.default!;
}

/** Targets that compare two benchmarks: Nestor's sync against the catalog's ingestion. */
function crossTargets(results: BenchResult[]): void {
  const sync = results.find(r => r.name === 'catalog-sync');
  const api = results.find(r => r.name === 'catalog-api');
  if (!sync) return;
  const ours = sync.metrics?.fullItemsPerSecond;
  const theirs = api?.metrics?.catalogIngestItemsPerSecond;
  sync.targets.push({
    target:
      'full sync ≥ 20× the Backstage catalog ingesting the same number of entities',
    measured:
      ours && theirs
        ? `${Math.round(ours)} items/s vs ${theirs.toFixed(1)} entities/s = ${(
            ours / theirs
          ).toFixed(1)}×`
        : 'the catalog ingestion baseline did not run',
    pass: ours && theirs ? ours / theirs >= 20 : undefined,
  });
}

async function runAll(quick: boolean) {
  const startedAt = new Date();
  const machineAtStart = machineInfo();
  const results: BenchResult[] = [];
  const failures: BenchFailure[] = [];
  for (const step of PLAN) {
    const args = quick ? step.quick : step.full;
    console.log(`\n=== ${step.name} ${args.join(' ')}\n`);
    try {
      const result = await (await load(step.name)).main(args);
      if (result) results.push(result);
    } catch (error) {
      console.error(error);
      failures.push({
        name: step.name,
        error: String((error as Error)?.message ?? error).split('\n')[0],
      });
    }
  }
  crossTargets(results);
  const markdown = renderBenchmarksDoc({
    quick,
    startedAt,
    finishedAt: new Date(),
    machineAtStart,
    loadAtEnd: loadavg(),
    results,
    failures,
    reliability: await readReliabilitySection(DOC, RELIABILITY_SECTION),
  });
  const target = quick ? QUICK_DOC : DOC;
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, markdown);
  console.log(`\nwrote ${target}`);
  if (failures.length > 0) process.exitCode = 1;
}

async function run() {
  const args = process.argv.slice(2);
  if (args.length === 0 || (args.length === 1 && args[0] === '--quick')) {
    await runAll(args[0] === '--quick');
    return;
  }
  const [name, ...rest] = args;
  if (!benchmarks[name]) {
    console.error(
      `usage: npm run bench [-- --quick] | npm run bench -- <${Object.keys(
        benchmarks,
      ).join('|')}> [options]`,
    );
    process.exitCode = 2;
    return;
  }
  await (await load(name)).main(rest);
}

// a benchmark's backends may leave timers behind: leave once done (but a
// graph child must stay until its report message is sent)
const isChild = process.argv.includes('--child');
run()
  .then(() => {
    if (!isChild) process.exit();
  })
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
