import { Condition, DeliveryRecord, Deployment, DeploymentPhase, NewNestorEvent } from '@nestor/plugin-nestor-common';

/**
 * The deployment as events carry it: everything but the rendered files'
 * contents (their paths and kinds stay), so events stay small.
 * @public
 */
export function deploymentEventPayload(deployment: Deployment): Deployment {
  return {
    ...deployment,
    revisions: deployment.revisions.map(r => ({ ...r, artifacts: r.artifacts.map(({ content, ...rest }) => ({ ...rest, content: '' })) })),
  };
}

/**
 * The events of Nestor's deployment lifecycle: `deployment.created`,
 * `deployment.phase` for every phase change (with `deployment.completed` on
 * `Ready`/`RolledBack` and `deployment.failed` on `Failed`), a drift report
 * (a `deployment.phase` event whose `from` and `to` are the same phase, with
 * the `Drifted` condition), and `gitops.committed`. Each carries the team,
 * the ref and the deployment.
 * @public
 */
export const deploymentEvents = {
  created(deployment: Deployment): NewNestorEvent[] {
    return [{ type: 'deployment.created', team: deployment.team, ref: deployment.ref, payload: { deployment: deploymentEventPayload(deployment) } }];
  },

  phase(before: DeploymentPhase, after: Deployment): NewNestorEvent[] {
    const last = after.history[after.history.length - 1];
    const base = { team: after.team, ref: after.ref };
    const change = { from: before, to: after.phase, reason: last?.reason, message: last?.message, at: last?.at };
    const events: NewNestorEvent[] = [{ ...base, type: 'deployment.phase', payload: { ...change, deployment: deploymentEventPayload(after) } }];
    if (after.phase === 'Ready' || after.phase === 'RolledBack') {
      events.push({ ...base, type: 'deployment.completed', payload: { phase: after.phase, outputs: after.outputs, deployment: deploymentEventPayload(after) } });
    }
    if (after.phase === 'Failed') {
      events.push({ ...base, type: 'deployment.failed', payload: { reason: last?.reason, message: last?.message, deployment: deploymentEventPayload(after) } });
    }
    return events;
  },

  /** Drift found or gone on a running deployment: the phase stays, the `Drifted` condition changed. */
  drift(deployment: Deployment, drifted: Condition, details?: string): NewNestorEvent[] {
    const drift = { drifted: drifted.status === 'True', ...(drifted.message ? { message: drifted.message } : {}), ...(details ? { details } : {}) };
    return [
      {
        type: 'deployment.phase',
        team: deployment.team,
        ref: deployment.ref,
        payload: {
          from: deployment.phase,
          to: deployment.phase,
          reason: drifted.reason,
          message: drifted.message,
          at: deployment.updatedAt,
          condition: drifted,
          drift,
          deployment: deploymentEventPayload(deployment),
        },
      },
    ];
  },

  committed(deployment: Deployment, delivery: DeliveryRecord & { action: string }): NewNestorEvent[] {
    return [{ type: 'gitops.committed', team: deployment.team, ref: deployment.ref, payload: { ...delivery, revision: deployment.currentRevision } }];
  },
};
