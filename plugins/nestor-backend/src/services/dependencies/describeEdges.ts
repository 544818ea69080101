import { Dependency } from '@nestor/plugin-nestor-common';
import { DependencyGraph } from './DependencyGraph';
import { GraphSelection } from './selectGraph';

/**
 * The selected edges as the API shows them: refs, and whether the edge
 * crosses from one team to another.
 * @internal
 */
export function describeEdges(graph: DependencyGraph, selection: Pick<GraphSelection, 'from' | 'to'>): Dependency[] {
  return selection.from.map((from, i) => {
    const to = selection.to[i];
    return { from: graph.ref(from), to: graph.ref(to), crossTeam: graph.team(from) !== graph.team(to) };
  });
}
