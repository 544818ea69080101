import { DependencyGraphNode, DependencyGraphResponse } from '@nestor/plugin-nestor-common';
import { csrFromEdges } from './csrFromEdges';
import { DependencyGraph } from './DependencyGraph';
import { describeEdges } from './describeEdges';
import { findCycles } from './findCycles';
import { GraphSelection } from './selectGraph';

/** A graph node, marked when it is a target that does not exist. @public */
export type DependencyGraphNodeView = DependencyGraphNode & { missing?: boolean };

/**
 * Turns a selection into `GET /dependencies/graph`'s answer: nodes the
 * reader may not see keep only their ref, team and environment; cycles are
 * searched among the visible nodes only (self-dependencies included).
 * @internal
 */
export function buildGraphResponse(
  graph: DependencyGraph,
  selection: GraphSelection,
  canSee: (v: number) => boolean,
): DependencyGraphResponse & { nodes: DependencyGraphNodeView[] } {
  const nodes = selection.nodes.map((v): DependencyGraphNodeView => {
    const base = {
      ref: graph.ref(v),
      team: graph.teams.value(graph.team(v)),
      environment: graph.environments.value(graph.environment(v)),
    };
    if (!canSee(v)) return { ...base, visible: false };
    if (!graph.exists(v)) return { ...base, visible: true, missing: true };
    return { ...base, resource: graph.definitions.value(graph.definition(v)), phase: graph.phaseName(v), visible: true };
  });
  return { nodes, edges: describeEdges(graph, selection), cycles: cyclesAmongVisible(graph, selection, canSee) };
}

function cyclesAmongVisible(graph: DependencyGraph, selection: GraphSelection, canSee: (v: number) => boolean) {
  const local = new Map<number, number>();
  const nodes: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const id = (v: number) => {
    let l = local.get(v);
    if (l === undefined) {
      l = nodes.length;
      local.set(v, l);
      nodes.push(v);
    }
    return l;
  };
  selection.from.forEach((f, i) => {
    const t = selection.to[i];
    if (!canSee(t)) return;
    from.push(id(f));
    to.push(id(t));
  });
  const csr = csrFromEdges(nodes.length, Int32Array.from(from), Int32Array.from(to));
  return findCycles(csr, { includeSelfLoops: true }).map(c => c.path.map(l => graph.ref(nodes[l])));
}
