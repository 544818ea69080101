import { promises as fs } from 'node:fs';
import { BenchResult } from './BenchResult';
import { MachineInfo } from './machineInfo';

/** A benchmark that could not finish: its name and why. */
export interface BenchFailure {
  name: string;
  error: string;
}

export interface BenchmarksReport {
  quick: boolean;
  startedAt: Date;
  finishedAt: Date;
  machineAtStart: MachineInfo;
  loadAtEnd: number[];
  results: BenchResult[];
  failures: BenchFailure[];
  /** the "Reliability" section: hand-written, kept as is */
  reliability: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const verdict = (pass: boolean | undefined) => {
  if (pass === undefined) return 'not decided';
  return pass ? 'PASS' : 'FAIL';
};

function table(columns: string[], rows: string[][]): string[] {
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** Renders the report as Markdown. */
export function renderBenchmarksDoc(report: BenchmarksReport): string {
  const m = report.machineAtStart;
  const minutes = (
    (report.finishedAt.getTime() - report.startedAt.getTime()) /
    60_000
  ).toFixed(1);
  const lines = [
    '# Benchmarks',
    '',
    '<!-- written by `npm run bench` (packages/bench); the Reliability section is kept from the previous file -->',
    '',
    report.quick
      ? '**Quick mode** (`npm run bench -- --quick`): every benchmark at a small size, to check they still run. ' +
        'These figures are NOT the sizes PERFORMANCE.md states its targets at; the pass/fail column applies the targets to the small sizes, ' +
        'which says little. Run `npm run bench` for the real sizes.'
      : 'Full mode (`npm run bench`): the sizes PERFORMANCE.md states its targets at.',
    '',
    'Only same-run comparisons count: each figure sits beside its baseline measured in the same invocation on the same machine. ' +
      'The machines here are shared with other processes; the load average shows how busy this one was.',
    '',
    '## Machine',
    '',
    ...table(
      [
        'cpu',
        'cores',
        'memory',
        'node',
        'platform',
        'load average at start (1/5/15 min)',
        'load average at end',
        'run',
      ],
      [
        [
          m.cpu,
          String(m.cores),
          `${m.memoryGb} GB`,
          m.node,
          m.platform,
          m.loadAverage.join(' / '),
          report.loadAtEnd.map(n => n.toFixed(2)).join(' / '),
          `${report.startedAt.toISOString()}, ${minutes} min`,
        ],
      ],
    ),
    '',
    '## Targets',
    '',
    ...table(
      ['benchmark', 'target (PERFORMANCE.md)', 'measured', 'verdict'],
      report.results.flatMap(r =>
        r.targets.map(t => [r.name, t.target, t.measured, verdict(t.pass)]),
      ),
    ),
    '',
  ];
  for (const f of report.failures)
    lines.push(`- **${f.name} did not finish**: ${f.error}`);
  if (report.failures.length) lines.push('');
  for (const r of report.results) {
    lines.push(
      `## ${r.title} (\`${r.name}\`)`,
      '',
      r.setup,
      '',
      ...table(r.table.columns, r.table.rows),
      '',
    );
    for (const note of r.notes ?? []) lines.push(`- ${note}`);
    if (r.notes?.length) lines.push('');
  }
  lines.push(report.reliability.trim(), '');
  return lines.join('\n');
}

/** The Reliability section of an existing file (from its heading to the end), or the fallback. */
export async function readReliabilitySection(
  file: string,
  fallback: string,
): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const at = text.indexOf('\n## Reliability');
  return at >= 0 ? text.slice(at + 1) : fallback;
}
