import { DependencyGraphResponse } from '@nestor/plugin-nestor-common';

/** A small graph with a hidden node, a cross-team edge and a 2-cycle, for the renderers' tests. */
export const sampleGraphResponse: DependencyGraphResponse = {
  nodes: [
    { ref: 'team-a/dev/api', team: 'team-a', environment: 'dev', resource: 'svc', phase: 'Ready', visible: true },
    { ref: 'team-a/dev/db', team: 'team-a', environment: 'dev', resource: 'postgres', phase: 'Syncing', visible: true },
    { ref: 'team-b/dev/vpc', team: 'team-b', environment: 'dev', visible: false },
  ],
  edges: [
    { from: 'team-a/dev/api', to: 'team-a/dev/db', crossTeam: false },
    { from: 'team-a/dev/db', to: 'team-a/dev/api', crossTeam: false },
    { from: 'team-a/dev/db', to: 'team-b/dev/vpc', crossTeam: true },
  ],
  cycles: [['team-a/dev/api', 'team-a/dev/db', 'team-a/dev/api']],
};
