import { ImpactResponse } from '@nestor/plugin-nestor-common';
import { collectDependents } from './collectDependents';
import { DependencyGraph } from './DependencyGraph';

/** `GET /dependencies/impact`'s answer, with the number of dependents left out. @public */
export type ImpactView = ImpactResponse & { hidden: number };

/**
 * Everything that depends on node `v`, directly or not, with a shortest
 * path each (from the dependent down to `v`). Dependents the reader may not
 * see are counted in `hidden` and their teams listed, and appear in other
 * paths as `<team>/*`. Linear in the graph plus the length of the paths.
 * @internal
 */
export function buildImpactResponse(graph: DependencyGraph, v: number, canSee: (v: number) => boolean): ImpactView {
  const { nodes, parent, depth } = collectDependents(graph.reverseCsr(), v);
  const teams = new Set<string>();
  const dependents: ImpactResponse['dependents'] = [];
  let hidden = 0;
  const shown = (x: number) => (canSee(x) ? graph.ref(x) : `${graph.teams.value(graph.team(x))}/*`);
  for (const d of nodes) {
    const team = graph.teams.value(graph.team(d));
    teams.add(team);
    if (!canSee(d)) {
      hidden++;
      continue;
    }
    const path: string[] = [];
    for (let x = d; x !== -1; x = parent[x]) path.push(shown(x));
    dependents.push({ ref: graph.ref(d), team, depth: depth[d], path });
  }
  return { ref: graph.ref(v), dependents, teams: [...teams].sort(), hidden };
}
