/** One target of PERFORMANCE.md as a benchmark measured it. */
export interface BenchTarget {
  /** the target, as PERFORMANCE.md states it */
  target: string;
  /** what this run measured, with its unit */
  measured: string;
  /** `undefined` when the run could not decide (e.g. a baseline that was not run) */
  pass: boolean | undefined;
}

/**
 * What a benchmark module's `main` returns besides what it prints: a table
 * of its figures (Nestor, the baseline, the ratio) and its targets, for the
 * report `npm run bench` writes to docs/benchmarks.md.
 */
export interface BenchResult {
  name: string;
  title: string;
  /** sizes, runs, stores: what was measured, in one or two sentences */
  setup: string;
  table: { columns: string[]; rows: string[][] };
  targets: BenchTarget[];
  /** named figures other benchmarks' targets may use (e.g. the catalog's ingestion rate) */
  metrics?: Record<string, number>;
  notes?: string[];
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
