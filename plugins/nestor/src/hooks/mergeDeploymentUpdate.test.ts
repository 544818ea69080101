import { deployment } from '../__testUtils__/fixtures';
import { mergeDeploymentUpdate } from './mergeDeploymentUpdate';

const revision = (n: number, content: string) => ({
  revision: n,
  definitionVersion: '1.4.0',
  parameters: {},
  artifacts: [{ path: 'claim.yaml', content, kind: 'PostgresDatabase' }],
  createdAt: '2025-03-01T09:00:00.000Z',
  requestedBy: 'user:default/guest',
});

describe('mergeDeploymentUpdate', () => {
  const loaded = deployment('team-a/dev/db', {
    version: 3,
    phase: 'Syncing',
    revisions: [revision(1, 'kind: X')],
  });

  it('takes the newer copy and keeps artifact contents the event left out', () => {
    const { deployment: merged, complete } = mergeDeploymentUpdate(loaded, {
      ...loaded,
      version: 4,
      phase: 'Ready',
      revisions: [revision(1, '')],
    });
    expect(merged.phase).toBe('Ready');
    expect(merged.revisions[0].artifacts[0].content).toBe('kind: X');
    expect(complete).toBe(true);
  });

  it('says a new revision needs fetching', () => {
    const { deployment: merged, complete } = mergeDeploymentUpdate(loaded, {
      ...loaded,
      version: 5,
      revisions: [revision(1, ''), revision(2, '')],
      currentRevision: 2,
    });
    expect(merged.currentRevision).toBe(2);
    expect(complete).toBe(false);
  });

  it('ignores an older copy', () => {
    const result = mergeDeploymentUpdate(loaded, {
      ...loaded,
      version: 2,
      phase: 'Pending',
    });
    expect(result.deployment).toBe(loaded);
  });
});
