import { loadFixtureDefinition } from '../__fixtures__/loadFixtureDefinition';
import { readCrossplaneStatus } from './readCrossplaneStatus';

const definition = loadFixtureDefinition('postgres-database');
const now = '2026-01-01T00:00:00.000Z';

function claim(conditions: unknown[], extra: Record<string, unknown> = {}, generation = 1) {
  return {
    apiVersion: 'platform.example.org/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'orders-db', namespace: 'team-payments-dev', generation },
    status: { conditions, ...extra },
  };
}

describe('readCrossplaneStatus', () => {
  it('is Syncing with a NotFound condition while the object is not in the cluster', () => {
    const status = readCrossplaneStatus(undefined, definition, { now, waitingFor: 'GitOps delivery has not synced it' });
    expect(status.phase).toBe('Syncing');
    expect(status.conditions).toEqual([
      { type: 'Synced', status: 'Unknown', reason: 'NotFound', message: 'the object is not in the cluster yet (GitOps delivery has not synced it)', lastTransitionTime: now },
    ]);
  });

  it('is Ready when Ready=True and Synced=True, with outputs from status and the connection secret', () => {
    const status = readCrossplaneStatus(
      claim(
        [
          { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: now },
          { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now, observedGeneration: 1 },
        ],
        { host: 'db.internal', port: 5432 },
      ) as any,
      definition,
      { secret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db-connection' }, data: { password: 'c2VjcmV0', host: 'eA==' } } },
    );
    expect(status.phase).toBe('Ready');
    expect(status.outputs).toEqual({
      host: 'db.internal',
      port: 5432,
      password: { secretRef: { name: 'orders-db-connection', namespace: 'team-payments-dev', key: 'password' } },
    });
    expect(JSON.stringify(status)).not.toContain('c2VjcmV0');
  });

  it('stays Syncing with the reason while Synced=False or Ready=False', () => {
    const failing = readCrossplaneStatus(
      claim([
        { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'cannot compose resources', lastTransitionTime: now },
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now },
      ]) as any,
      definition,
    );
    expect(failing.phase).toBe('Syncing');
    expect(failing.message).toContain('Synced=False (ReconcileError: cannot compose resources)');
    expect(failing.conditions.map(c => `${c.type}=${c.status}`)).toEqual(['Synced=False', 'Ready=True']);

    const creating = readCrossplaneStatus(claim([{ type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: now }]) as any, definition);
    expect(creating.phase).toBe('Syncing');
    expect(creating.message).toBe('Ready=False (Creating)');
  });

  it('does not trust a Ready condition observed at an older generation', () => {
    const stale = readCrossplaneStatus(
      claim([{ type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now, observedGeneration: 1 }], {}, 2) as any,
      definition,
    );
    expect(stale.phase).toBe('Syncing');
    expect(stale.message).toContain('older generation');
  });
});
