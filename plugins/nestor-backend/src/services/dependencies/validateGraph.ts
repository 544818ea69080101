import { DependencyGraph } from './DependencyGraph';
import { DependencyRules } from './DependencyRules';
import { findCycles } from './findCycles';
import { Violation } from './types';

/**
 * Checks every deployment and edge of the graph against the rules, and finds
 * every cycle: O(V + E) plus one semver test per distinct version/range pair.
 * Self-dependencies come out as `SELF_DEPENDENCY`, not as cycles.
 * @public
 */
export function validateGraph(graph: DependencyGraph, rules: DependencyRules): Violation[] {
  const { size, offsets, targets } = graph.csr();
  const violations: Violation[] = [];
  for (let v = 0; v < size; v++) {
    if (!graph.exists(v)) continue;
    const start = offsets[v];
    const end = offsets[v + 1];
    for (let i = start; i < end; i++) rules.checkEdge(graph, v, targets[i], violations);
    rules.checkRequirements(graph, v, targets, start, end, violations);
  }
  for (const cycle of findCycles(graph.csr())) {
    violations.push({ code: 'CYCLE', path: cycle.path, size: cycle.size });
  }
  return violations;
}
