import { DependencyGraphNode, DependencyGraphResponse } from '@nestor/plugin-nestor-common';
import { cycleEdgeKeys } from './cycleEdgeKeys';

function text(value: string): string {
  return value.replace(/"/g, '#quot;');
}

/**
 * Renders a dependency graph as a Mermaid flowchart: one subgraph per team,
 * hidden nodes in the `hidden` class, cross-team edges dotted, edges on a
 * cycle red. Node ids are `n0`, `n1`, ... since refs contain slashes.
 * @public
 */
export function renderMermaid(graph: DependencyGraphResponse): string {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  const byTeam = new Map<string, DependencyGraphNode[]>();
  for (const node of graph.nodes) {
    ids.set(node.ref, `n${ids.size}`);
    const list = byTeam.get(node.team) ?? [];
    list.push(node);
    byTeam.set(node.team, list);
  }
  const hidden: string[] = [];
  let team = 0;
  for (const [name, nodes] of byTeam) {
    lines.push(`  subgraph team${team++}["${text(name)}"]`);
    for (const node of nodes) {
      const details = [node.resource, node.phase].filter(Boolean).join(' · ');
      const label = details ? `${node.ref}<br/>${details}` : node.ref;
      lines.push(`    ${ids.get(node.ref)}["${text(label)}"]`);
      if (!node.visible) hidden.push(ids.get(node.ref)!);
    }
    lines.push('  end');
  }
  const onCycle = cycleEdgeKeys(graph.cycles);
  const red: number[] = [];
  graph.edges.forEach((edge, i) => {
    lines.push(`  ${ids.get(edge.from)} ${edge.crossTeam ? '-.->' : '-->'} ${ids.get(edge.to)}`);
    if (onCycle.has(`${edge.from} -> ${edge.to}`)) red.push(i);
  });
  if (hidden.length > 0) {
    lines.push('  classDef hidden stroke-dasharray: 5 5,color:#888', `  class ${hidden.join(',')} hidden`);
  }
  if (red.length > 0) lines.push(`  linkStyle ${red.join(',')} stroke:#d00,stroke-width:2px`);
  return `${lines.join('\n')}\n`;
}
