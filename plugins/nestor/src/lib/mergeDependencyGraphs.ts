import type { DependencyGraphResponse } from '@nestor/plugin-nestor-common';

/**
 * One graph out of several (e.g. one per root): each node and edge once,
 * each cycle once.
 * @public
 */
export function mergeDependencyGraphs(
  graphs: readonly DependencyGraphResponse[],
): DependencyGraphResponse {
  const nodes = new Map<string, DependencyGraphResponse['nodes'][number]>();
  const edges = new Map<string, DependencyGraphResponse['edges'][number]>();
  const cycles = new Map<string, string[]>();
  for (const graph of graphs) {
    for (const node of graph.nodes) {
      const known = nodes.get(node.ref);
      if (!known || (!known.visible && node.visible)) nodes.set(node.ref, node);
    }
    for (const edge of graph.edges)
      edges.set(`${edge.from}\u0000${edge.to}`, edge);
    for (const cycle of graph.cycles) cycles.set(cycle.join('\u0000'), cycle);
  }
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    cycles: [...cycles.values()],
  };
}
