import { renderMermaid } from './renderMermaid';
import { sampleGraphResponse } from './__testUtils__/sampleGraphResponse';

describe('renderMermaid', () => {
  it('renders a flowchart with team subgraphs, dotted cross-team edges, hidden nodes and red cycle edges', () => {
    expect(renderMermaid(sampleGraphResponse)).toBe(
      [
        'flowchart LR',
        '  subgraph team0["team-a"]',
        '    n0["team-a/dev/api<br/>svc · Ready"]',
        '    n1["team-a/dev/db<br/>postgres · Syncing"]',
        '  end',
        '  subgraph team1["team-b"]',
        '    n2["team-b/dev/vpc"]',
        '  end',
        '  n0 --> n1',
        '  n1 --> n0',
        '  n1 -.-> n2',
        '  classDef hidden stroke-dasharray: 5 5,color:#888',
        '  class n2 hidden',
        '  linkStyle 0,1 stroke:#d00,stroke-width:2px',
        '',
      ].join('\n'),
    );
  });

  it('escapes double quotes in labels', () => {
    const text = renderMermaid({ nodes: [{ ref: 'a"b', team: 't', environment: 'e', visible: true }], edges: [], cycles: [] });
    expect(text).toContain('n0["a#quot;b"]');
  });
});
