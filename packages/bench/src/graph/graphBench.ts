import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { generateDependencyGraph } from './generateDependencyGraph';
import { ContenderReport, QUERIES, STEPS, runContender } from './runContender';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(cells: string[]): string {
  const widths = [24, 12, 19, 9];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/** Runs one contender in a fresh Node process, so neither side's heap or JIT state touches the other's. */
function runInChild(name: string, nodes: number): Promise<ContenderReport> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], ['graph', '--child', name, '--nodes', String(nodes)], { stdio: 'inherit' });
    child.on('message', (message: { type?: string; report?: ContenderReport }) => {
      if (message?.type === 'graph-bench-report') resolve(message.report!);
    });
    child.once('error', reject);
    child.once('exit', code => {
      if (code !== 0) reject(new Error(`the ${name} run exited with ${code}`));
    });
  });
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/**
 * `npm run bench -- graph [--quick] [--runs N]`: build + validate + order +
 * impact on 100,000 deployments and 300,000 edges (10,000 / 30,000 with
 * `--quick`), Nestor's dependency service against `@dagrejs/graphlib`, each
 * pass in a fresh process (after warm-up), the two alternating, median of N
 * passes (5 by default). Also times the queries again on a built graph
 * ("warm"), the way a running service answers them.
 */
export async function main(args: string[]): Promise<void> {
  const child = option(args, '--child');
  if (child) {
    process.send!({ type: 'graph-bench-report', report: await runContender(child, Number(option(args, '--nodes'))) });
    return;
  }
  const nodes = args.includes('--quick') ? 10_000 : 100_000;
  const runs = Number(option(args, '--runs') ?? 5);
  const input = generateDependencyGraph(nodes, nodes * 3);
  console.log(
    `dependency graph: ${input.records.length.toLocaleString('en-US')} deployments, ` +
      `${input.edgeCount.toLocaleString('en-US')} edges, ${input.teams.length} teams; ` +
      `impact from ${input.impactRef}; median of ${runs} passes, each in a fresh process after warm-up ` +
      `(Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start)\n`,
  );

  const names = ['nestor', 'graphlib'];
  const reports = new Map<string, ContenderReport[]>(names.map(n => [n, []]));
  for (let run = 0; run < runs; run++) {
    for (const name of run % 2 === 0 ? names : [...names].reverse()) {
      reports.get(name)!.push(await runInChild(name, nodes));
    }
  }

  const summary = names.map(name => {
    const list = reports.get(name)!;
    return {
      name: list[0].name,
      ms: Object.fromEntries(STEPS.map(s => [s, median(list.map(r => r.ms[s]))])) as Record<string, number>,
      warm: Object.fromEntries(QUERIES.map(s => [s, median(list.map(r => r.warmMs[s]))])) as Record<string, number>,
      total: median(list.map(r => STEPS.reduce((n, s) => n + r.ms[s], 0))),
      retained: Math.max(...list.map(r => r.retainedMb)),
      peak: Math.max(...list.map(r => r.peakMb)),
      checks: list[0].checks,
    };
  });
  const [ours, theirs] = summary;
  const ratio = (a: number, b: number) => `${(b / a).toFixed(1)}x`;
  console.log(row(['step (ms)', ours.name, theirs.name, 'ratio']));
  for (const step of STEPS) {
    console.log(row([step, ours.ms[step].toFixed(1), theirs.ms[step].toFixed(1), ratio(ours.ms[step], theirs.ms[step])]));
  }
  console.log(row(['total', ours.total.toFixed(1), theirs.total.toFixed(1), ratio(ours.total, theirs.total)]));
  for (const query of QUERIES) {
    const [a, b] = [ours.warm[query], theirs.warm[query]];
    console.log(row([`${query}, warm graph`, a.toFixed(1), b.toFixed(1), ratio(a, b)]));
  }
  console.log(row(['retained graph (MB)', ours.retained.toFixed(1), theirs.retained.toFixed(1), ratio(ours.retained, theirs.retained)]));
  console.log(row(['peak over a pass (MB)', ours.peak.toFixed(1), theirs.peak.toFixed(1), ratio(ours.peak, theirs.peak)]));

  const missing = input.records.reduce((n, r) => n + r.dependsOn.filter(d => d.includes('/missing-')).length, 0);
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
  console.log(`load average ${loadavg()[0].toFixed(1)} at the end: a busy machine slows both sides, the ratios less than the figures`);
  const verdicts = [
    ['total < 500 ms', ours.total < 500],
    ['>= 15x graphlib', theirs.total / ours.total >= 15],
    ['peak < 200 MB', ours.peak < 200],
  ] as const;
  console.log(`targets (PERFORMANCE.md): ${verdicts.map(([name, ok]) => `${name}: ${ok ? 'met' : 'MISSED'}`).join(', ')}`);
  if (!agree) process.exitCode = 1;
}
