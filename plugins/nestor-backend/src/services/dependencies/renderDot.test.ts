import { renderDot } from './renderDot';
import { sampleGraphResponse } from './__testUtils__/sampleGraphResponse';

describe('renderDot', () => {
  it('renders clusters per team, hidden nodes dashed, cross-team edges bold and cycle edges red', () => {
    expect(renderDot(sampleGraphResponse)).toBe(
      [
        'digraph dependencies {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="Helvetica"];',
        '  subgraph "cluster_team-a" {',
        '    label="team-a";',
        '    "team-a/dev/api" [label="team-a/dev/api\nsvc · Ready"];',
        '    "team-a/dev/db" [label="team-a/dev/db\npostgres · Syncing"];',
        '  }',
        '  subgraph "cluster_team-b" {',
        '    label="team-b";',
        '    "team-b/dev/vpc" [label="team-b/dev/vpc", style=dashed];',
        '  }',
        '  "team-a/dev/api" -> "team-a/dev/db" [color=red];',
        '  "team-a/dev/db" -> "team-a/dev/api" [color=red];',
        '  "team-a/dev/db" -> "team-b/dev/vpc" [style=bold];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes and backslashes', () => {
    const dot = renderDot({
      nodes: [{ ref: 'a"b\\c', team: 't', environment: 'e', visible: true }],
      edges: [],
      cycles: [],
    });
    expect(dot).toContain('"a\\"b\\\\c" [label="a\\"b\\\\c"];');
  });
});
