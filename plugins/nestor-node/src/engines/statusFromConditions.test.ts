import { KubernetesObject } from '../kubernetes/types';
import { statusFromConditions } from './statusFromConditions';

const now = () => new Date('2026-01-01T00:00:00.000Z');

function object(status: Record<string, unknown>, generation = 2): KubernetesObject {
  return { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 't', generation }, status };
}

function condition(type: string, status: string, reason = 'Because', message?: string) {
  return { type, status, reason, message, lastTransitionTime: '2025-12-31T00:00:00Z' };
}

describe('statusFromConditions', () => {
  it('is Syncing with a NotFound condition while the object does not exist', () => {
    expect(statusFromConditions(undefined, { kind: 'Stack', now })).toEqual({
      phase: 'Syncing',
      conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NotFound', message: 'Stack not found yet', lastTransitionTime: '2026-01-01T00:00:00.000Z' }],
      message: 'Stack not found yet',
    });
  });

  it('is Ready when Ready=True and nothing is reconciling, passing the conditions on', () => {
    const status = statusFromConditions(object({ observedGeneration: 2, conditions: [condition('Ready', 'True', 'Succeeded', 'all good')] }), { kind: 'Thing', now });
    expect(status.phase).toBe('Ready');
    expect(status.message).toBe('all good');
    expect(status.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'all good', lastTransitionTime: '2025-12-31T00:00:00Z' }]);
  });

  it('waits while the controller has not observed the latest generation', () => {
    const status = statusFromConditions(object({ observedGeneration: 1, conditions: [condition('Ready', 'True')] }), { kind: 'Thing', now });
    expect(status.phase).toBe('Syncing');
    expect(status.message).toBe('Thing has not observed generation 2 yet');
  });

  it('is Syncing while the object is being deleted', () => {
    const deleting = object({ conditions: [condition('Ready', 'True')] });
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(statusFromConditions(deleting, { kind: 'Stack', now })).toMatchObject({ phase: 'Syncing', message: 'Stack is being deleted' });
  });

  it('is Syncing while reconciling, even when the previous generation was ready', () => {
    const status = statusFromConditions(
      object({ conditions: [condition('Ready', 'True'), condition('Reconciling', 'True', 'Progressing', 'upgrading')] }),
      { kind: 'Thing', now },
    );
    expect(status).toMatchObject({ phase: 'Syncing', message: 'upgrading' });
  });

  it('fails when Stalled, with the stalled message', () => {
    const status = statusFromConditions(
      object({ conditions: [condition('Ready', 'False', 'InstallFailed', 'x'), condition('Stalled', 'True', 'RetriesExceeded', 'gave up after 3 attempts')] }),
      { kind: 'Thing', now },
    );
    expect(status).toMatchObject({ phase: 'Failed', message: 'gave up after 3 attempts' });
  });

  it('fails on Ready=False only for the reasons named as final', () => {
    const planFailed = object({ conditions: [condition('Ready', 'False', 'TFExecPlanFailed', 'Error: Unsupported argument')] });
    expect(statusFromConditions(planFailed, { kind: 'Terraform', failedReasons: ['TFExecPlanFailed'], now })).toMatchObject({
      phase: 'Failed',
      message: 'Error: Unsupported argument',
    });
    expect(statusFromConditions(planFailed, { kind: 'Terraform', now }).phase).toBe('Syncing');
  });

  it('fills a missing transition time and drops conditions without a type', () => {
    const status = statusFromConditions(object({ conditions: [{ type: 'Ready', status: 'Maybe' }, { status: 'True' }] }), { kind: 'Thing', now });
    expect(status.conditions).toEqual([{ type: 'Ready', status: 'Unknown', lastTransitionTime: '2026-01-01T00:00:00.000Z' }]);
    expect(status.phase).toBe('Syncing');
  });
});
