import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Contender, graphlib, nestor } from './contenders';
import { GeneratedGraph, generateDependencyGraph } from './generateDependencyGraph';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const STEPS = ['build', 'validate', 'order', 'impact'] as const;
type Step = (typeof STEPS)[number];

interface RunResult {
  ms: Record<Step, number>;
  /** heap + array buffers held by the built graph, after a full GC */
  retainedMb: number;
  /** highest heap + array buffers seen after any step, above the baseline */
  peakMb: number;
  checks: { cycles: number; ordered: number; dependents: number; pathNodes: number };
}

function memoryMb(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1024 / 1024;
}

async function runOnce<S>(contender: Contender<S>, input: GeneratedGraph): Promise<RunResult> {
  gc();
  const baseline = memoryMb();
  let peak = 0;
  const ms = {} as Record<Step, number>;
  const timed = async <T>(step: Step, work: () => T | Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    const value = await work();
    ms[step] = Number(process.hrtime.bigint() - started) / 1e6;
    peak = Math.max(peak, memoryMb() - baseline);
    return value;
  };
  let state: S | undefined = await timed('build', () => contender.build(input));
  gc();
  const retainedMb = memoryMb() - baseline;
  const cycles = await timed('validate', () => contender.validate(state!));
  const ordered = await timed('order', () => contender.order(state!));
  const impact = await timed('impact', () => contender.impact(state!, input.impactRef));
  state = undefined;
  return { ms, retainedMb, peakMb: peak, checks: { cycles, ordered, ...impact } };
}

/** Rows as a store returns them: flat strings, no string shared between rows. */
function asStoreRows(input: GeneratedGraph): GeneratedGraph {
  return { ...input, records: JSON.parse(JSON.stringify(input.records)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/**
 * `npm run bench -- graph [--quick] [--runs N]`: build + validate + order +
 * impact on 100,000 deployments and 300,000 edges (10,000 / 30,000 with
 * `--quick`), Nestor's dependency service against `@dagrejs/graphlib` in the
 * same process, median of N runs (3 by default), alternating the two.
 */
export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const nodes = quick ? 10_000 : 100_000;
  const edges = nodes * 3;
  const input = asStoreRows(generateDependencyGraph(nodes, edges));
  console.log(
    `dependency graph: ${input.records.length.toLocaleString('en-US')} deployments, ` +
      `${input.edgeCount.toLocaleString('en-US')} edges, ${input.teams.length} teams; ` +
      `impact from ${input.impactRef}; median of ${runs} runs (Node ${process.version}, ` +
      `load average ${loadavg()[0].toFixed(1)} at start)\n`,
  );

  const contenders: Array<Contender<any>> = [nestor, graphlib];
  // let both JITs warm up on a small graph first: only steady state is compared
  const warmUp = asStoreRows(generateDependencyGraph(10_000, 30_000));
  for (const contender of contenders) await runOnce(contender, warmUp);
  const results = new Map<string, RunResult[]>(contenders.map(c => [c.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const contender of run % 2 === 0 ? contenders : [...contenders].reverse()) {
      results.get(contender.name)!.push(await runOnce(contender, input));
    }
  }

  const summary = contenders.map(c => {
    const list = results.get(c.name)!;
    const ms = Object.fromEntries(STEPS.map(s => [s, median(list.map(r => r.ms[s]))])) as Record<Step, number>;
    const total = median(list.map(r => STEPS.reduce((n, s) => n + r.ms[s], 0)));
    return {
      name: c.name,
      ms,
      total,
      retained: Math.max(...list.map(r => r.retainedMb)),
      peak: Math.max(...list.map(r => r.peakMb)),
      checks: list[0].checks,
    };
  });
  const [ours, theirs] = summary;
  const widths = [22, 12, 19, 9];
  console.log(row(['step (ms)', ours.name, theirs.name, 'ratio'], widths));
  for (const step of STEPS) {
    const ratio = theirs.ms[step] / ours.ms[step];
    console.log(row([step, ours.ms[step].toFixed(1), theirs.ms[step].toFixed(1), `${ratio.toFixed(1)}x`], widths));
  }
  console.log(row(['total', ours.total.toFixed(1), theirs.total.toFixed(1), `${(theirs.total / ours.total).toFixed(1)}x`], widths));
  console.log(row(['retained graph (MB)', ours.retained.toFixed(1), theirs.retained.toFixed(1), `${(theirs.retained / ours.retained).toFixed(1)}x`], widths));
  console.log(row(['peak over run (MB)', ours.peak.toFixed(1), theirs.peak.toFixed(1), `${(theirs.peak / ours.peak).toFixed(1)}x`], widths));

  const missing = input.edgeCount - input.records.reduce((n, r) => n + r.dependsOn.filter(d => !d.includes('/missing-')).length, 0);
  const agree =
    ours.checks.cycles === theirs.checks.cycles &&
    ours.checks.ordered + missing === theirs.checks.ordered &&
    ours.checks.dependents === theirs.checks.dependents &&
    ours.checks.pathNodes === theirs.checks.pathNodes;
  console.log(
    `\nsame answers: ${agree ? 'yes' : 'NO'} (cycles ${ours.checks.cycles}/${theirs.checks.cycles}, ` +
      `ordered ${ours.checks.ordered}+${missing} missing targets/${theirs.checks.ordered}, ` +
      `dependents ${ours.checks.dependents}/${theirs.checks.dependents}, path nodes ${ours.checks.pathNodes}/${theirs.checks.pathNodes})`,
  );
  const verdicts = [
    [`total < 500 ms`, ours.total < 500],
    [`>= 15x graphlib`, theirs.total / ours.total >= 15],
    [`peak < 200 MB`, ours.peak < 200],
  ] as const;
  console.log(`load average ${loadavg()[0].toFixed(1)} at the end: figures from a busy machine are slower, the ratios less so`);
  console.log(`targets (PERFORMANCE.md): ${verdicts.map(([name, ok]) => `${name}: ${ok ? 'met' : 'MISSED'}`).join(', ')}`);
  if (!agree) process.exitCode = 1;
}
