/**
 * `npm run bench -- <name> [options]`: runs one benchmark. Each entry maps a
 * name to a module exporting `main(args)`; modules load only when chosen.
 */
type BenchModule = { main(args: string[]): Promise<void> };

const benchmarks: Record<string, () => Promise<BenchModule>> = {
  'catalog-sync': () => import('./catalog-sync/catalogSyncBench'),
  graph: () => import('./graph/graphBench'),
  sse: () => import('./sse/sseBench'),
};

async function run() {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? benchmarks[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
    process.exitCode = 2;
    return;
  }
  // a transpiled module may come back wrapped in `default`
  const loaded = (await load()) as Partial<BenchModule> & { default?: BenchModule };
  await (loaded.main ? (loaded as BenchModule) : loaded.default!).main(args);
}

run().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
