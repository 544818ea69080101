import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Contender, graphlib, nestor } from './contenders';
import {
  GeneratedGraph,
  generateDependencyGraph,
} from './generateDependencyGraph';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The four measured steps. */
export const STEPS = ['build', 'validate', 'order', 'impact'] as const;
export type Step = (typeof STEPS)[number];
/** The query steps, timed again on an already built (warm) graph. */
export const QUERIES = ['validate', 'order', 'impact'] as const;

/** What one child process reports for one contender. */
export interface ContenderReport {
  name: string;
  /** one pass: build, then each query once */
  ms: Record<Step, number>;
  /** each query again on the same graph, median of five */
  warmMs: Record<(typeof QUERIES)[number], number>;
  /** heap + array buffers the built graph holds: after a full GC, with it less without it */
  retainedMb: number;
  /** highest heap + array buffers seen after any step, above the baseline */
  peakMb: number;
  checks: {
    cycles: number;
    ordered: number;
    dependents: number;
    pathNodes: number;
  };
}

const CONTENDERS: Record<string, Contender<any>> = { nestor, graphlib };

function memoryMb(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1024 / 1024;
}

/** Rows as a store returns them: flat strings, no string shared between rows. */
export function asStoreRows(input: GeneratedGraph): GeneratedGraph {
  return { ...input, records: JSON.parse(JSON.stringify(input.records)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time<T>(work: () => T | Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

/**
 * Runs one contender in this process: three warm-up passes on a graph a
 * tenth of the size (kept referenced: when V8 frees a graph it drops the
 * optimized code that saw its hidden classes, and the measured pass would
 * time re-optimization), then one measured pass on the full graph, then the
 * queries five more times on that graph.
 */
export async function runContender(
  name: string,
  nodes: number,
): Promise<ContenderReport> {
  const contender = CONTENDERS[name];
  const warmUp = asStoreRows(
    generateDependencyGraph(
      Math.max(1000, nodes / 10),
      Math.max(3000, (nodes / 10) * 3),
    ),
  );
  const kept: unknown[] = [];
  for (let round = 0; round < 3; round++) {
    const state = await contender.build(warmUp);
    contender.validate(state);
    contender.order(state);
    contender.impact(state, warmUp.impactRef);
    kept.push(state);
  }
  const input = asStoreRows(generateDependencyGraph(nodes, nodes * 3));

  gc();
  const baseline = memoryMb();
  const pass = await measuredPass(contender, input, baseline);
  // what the graph holds: the heap with it (measured inside the pass), less the heap once it is gone
  gc();
  return {
    name: contender.name,
    ...pass,
    retainedMb: pass.withGraphMb - memoryMb(),
  };
}

/** Build, one pass of queries, five more: the graph is unreachable once this returns. */
async function measuredPass<S>(
  contender: Contender<S>,
  input: GeneratedGraph,
  baseline: number,
) {
  let peakMb = 0;
  const sample = () => {
    peakMb = Math.max(peakMb, memoryMb() - baseline);
  };
  const [state, build] = await time(() => contender.build(input));
  sample();
  const [cycles, validate] = await time(() => contender.validate(state));
  sample();
  const [ordered, order] = await time(() => contender.order(state));
  sample();
  const [impact, impactMs] = await time(() =>
    contender.impact(state, input.impactRef),
  );
  sample();
  const warm = {
    validate: [] as number[],
    order: [] as number[],
    impact: [] as number[],
  };
  for (let i = 0; i < 5; i++) {
    warm.validate.push((await time(() => contender.validate(state)))[1]);
    warm.order.push((await time(() => contender.order(state)))[1]);
    warm.impact.push(
      (await time(() => contender.impact(state, input.impactRef)))[1],
    );
    sample();
  }
  gc();
  return {
    ms: { build, validate, order, impact: impactMs },
    warmMs: {
      validate: median(warm.validate),
      order: median(warm.order),
      impact: median(warm.impact),
    },
    withGraphMb: memoryMb(),
    peakMb,
    checks: { cycles, ordered, ...impact },
  };
}
