import { DependencyGraphNode, DependencyGraphResponse } from '@nestor/plugin-nestor-common';
import { cycleEdgeKeys } from './cycleEdgeKeys';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function label(node: DependencyGraphNode): string {
  const details = [node.resource, node.phase].filter(Boolean).join(' · ');
  return details ? `${node.ref}\n${details}` : node.ref;
}

/**
 * Renders a dependency graph as Graphviz DOT: one cluster per team, hidden
 * nodes dashed, cross-team edges bold, edges on a cycle red. An edge points
 * from the dependent to what it depends on.
 * @public
 */
export function renderDot(graph: DependencyGraphResponse): string {
  const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  const byTeam = new Map<string, DependencyGraphNode[]>();
  for (const node of graph.nodes) {
    const list = byTeam.get(node.team) ?? [];
    list.push(node);
    byTeam.set(node.team, list);
  }
  for (const [team, nodes] of byTeam) {
    lines.push(`  subgraph ${quote(`cluster_${team}`)} {`, `    label=${quote(team)};`);
    for (const node of nodes) {
      const style = node.visible ? '' : ', style=dashed';
      lines.push(`    ${quote(node.ref)} [label=${quote(label(node))}${style}];`);
    }
    lines.push('  }');
  }
  const onCycle = cycleEdgeKeys(graph.cycles);
  for (const edge of graph.edges) {
    const attributes: string[] = [];
    if (edge.crossTeam) attributes.push('style=bold');
    if (onCycle.has(`${edge.from} -> ${edge.to}`)) attributes.push('color=red');
    const suffix = attributes.length > 0 ? ` [${attributes.join(', ')}]` : '';
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${suffix};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
