import { DependencyGraph } from './DependencyGraph';

/** Nodes and edges picked by {@link selectGraph}. @internal */
export interface GraphSelection {
  nodes: number[];
  from: number[];
  to: number[];
}

/**
 * Picks what a reader may see of the graph. Only edges whose source the
 * reader may see are listed (its targets appear, maybe as hidden nodes, but
 * are not followed further). With `root`: the root's dependencies and
 * dependents, transitively, as far as visibility allows. With `team`: edges
 * from or to that team's deployments, and its deployments.
 * @internal
 */
export function selectGraph(
  graph: DependencyGraph,
  options: { canSee: (v: number) => boolean; team?: number; root?: number },
): GraphSelection {
  const { canSee, team, root } = options;
  const seen = new Uint8Array(graph.size);
  const selection: GraphSelection = { nodes: [], from: [], to: [] };
  const addNode = (v: number) => {
    if (!seen[v]) {
      seen[v] = 1;
      selection.nodes.push(v);
    }
  };
  const touchesTeam = (a: number, b: number) =>
    team === undefined || graph.team(a) === team || graph.team(b) === team;
  const readable = (v: number) => graph.exists(v) && canSee(v);

  if (root === undefined) {
    const { offsets, targets, size } = graph.csr();
    for (let v = 0; v < size; v++) {
      if (!readable(v)) continue;
      if (team === undefined || graph.team(v) === team) addNode(v);
      for (let i = offsets[v]; i < offsets[v + 1]; i++) {
        const t = targets[i];
        if (!touchesTeam(v, t)) continue;
        addNode(v);
        addNode(t);
        selection.from.push(v);
        selection.to.push(t);
      }
    }
    return selection;
  }

  const edges = new Set<number>();
  const addEdge = (from: number, to: number) => {
    const key = from * graph.size + to;
    if (edges.has(key) || !touchesTeam(from, to)) return;
    edges.add(key);
    selection.from.push(from);
    selection.to.push(to);
  };
  addNode(root);
  // dependencies: follow only nodes the reader may see
  const down = [root];
  for (let head = 0; head < down.length; head++) {
    const v = down[head];
    if (!readable(v)) continue;
    for (const t of graph.outOf(v)) {
      addEdge(v, t);
      if (!seen[t]) down.push(t);
      addNode(t);
    }
  }
  // dependents: only those the reader may see
  const reached = new Uint8Array(graph.size);
  reached[root] = 1;
  const up = [root];
  for (let head = 0; head < up.length; head++) {
    const v = up[head];
    const dependents = graph.inOf(v);
    for (let i = 0; i < dependents.length; i++) {
      const d = dependents[i];
      if (!readable(d)) continue;
      addEdge(d, v);
      addNode(d);
      if (!reached[d]) {
        reached[d] = 1;
        up.push(d);
      }
    }
  }
  return selection;
}
