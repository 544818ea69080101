import { DEPLOYMENT_PHASES } from '@nestor/plugin-nestor-common';
import { DependencyGraph } from './DependencyGraph';
import { DependencyRules } from './DependencyRules';
import { extractSubgraph } from './extractSubgraph';
import { findCycles } from './findCycles';
import { RequestOverlay, ResolvedRequest } from './RequestOverlay';
import { reverseCsr } from './reverseCsr';
import { topologicalWaves } from './topologicalWaves';
import { Violation } from './types';

const READY = DEPLOYMENT_PHASES.indexOf('Ready');

/** The result of {@link validateRequests}, in overlay node ids. @internal */
export interface RequestValidation {
  overlay: RequestOverlay;
  violations: Violation[];
  /** waves of the requests and of the not yet `Ready` deployments they need */
  order: number[][];
}

/**
 * Validates requests together with what is deployed, without changing the
 * graph: every edge and `requires` of each request, the deployments that
 * already depend on a requested ref (its new version must still be in their
 * range), and every cycle the requests reach. Linear in the part of the
 * graph the requests reach.
 * @internal
 */
export function validateRequests(
  graph: DependencyGraph,
  rules: DependencyRules,
  requests: readonly ResolvedRequest[],
): RequestValidation {
  const overlay = new RequestOverlay(graph, rules, requests);
  const violations: Violation[] = [];
  for (const r of overlay.requests) {
    const out = overlay.outOf(r);
    for (const t of out) rules.checkEdge(overlay, r, t, violations);
    rules.checkRequirements(overlay, r, out, 0, out.length, violations);
  }

  for (const r of overlay.requests) {
    if (!overlay.isInGraph(r)) continue;
    const previousType = graph.exists(r) ? graph.type(r) : -1;
    for (const c of Array.from(graph.inOf(r))) {
      if (overlay.isRequest(c) || !graph.exists(c)) continue;
      const found: Violation[] = [];
      rules.checkEdge(overlay, c, r, found);
      if (previousType >= 0 && overlay.type(r) !== previousType) {
        const out = overlay.outOf(c);
        rules.checkRequirements(overlay, c, out, 0, out.length, found);
      }
      for (const violation of found) {
        if (
          violation.code === 'VERSION_MISMATCH' ||
          (violation.code === 'MISSING_REQUIRED_TYPE' && violation.type === previousType)
        ) {
          violations.push(violation);
        }
      }
    }
  }

  const reached = extractSubgraph(overlay.requests, v => overlay.outOf(v), v => overlay.exists(v));
  for (const cycle of findCycles(reached.csr)) {
    violations.push({ code: 'CYCLE', path: cycle.path.map(l => reached.nodes[l]), size: cycle.size });
  }
  // order everything reached, so that what sits on a cycle stays unordered; then drop what is Ready
  const { waves } = topologicalWaves(reached.csr, reverseCsr(reached.csr));
  const order = waves
    .map(wave => wave.map(l => reached.nodes[l]).filter(v => overlay.isRequest(v) || overlay.phase(v) !== READY))
    .filter(wave => wave.length > 0);
  return { overlay, violations, order };
}
