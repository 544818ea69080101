import { useApi } from '@backstage/frontend-plugin-api';
import type { Deployment, NestorEvent } from '@nestor/plugin-nestor-common';
import { useCallback, useEffect, useState } from 'react';
import { nestorApiRef } from '../api/NestorApi';
import { DEPLOYMENT_EVENT_TYPES, deploymentOfEvent } from './deploymentOfEvent';
import { mergeDeploymentUpdate } from './mergeDeploymentUpdate';
import { NestorEventsState, useNestorEvents } from './useNestorEvents';

/** What {@link useLiveDeployment} returns. @public */
export interface LiveDeployment {
  deployment?: Deployment;
  error?: Error;
  stream: NestorEventsState;
  /** replaces the deployment (e.g. with what an action answered) */
  setDeployment(deployment: Deployment): void;
  refetch(): void;
}

const EVENT_TYPES = [
  ...DEPLOYMENT_EVENT_TYPES,
  'gitops.committed' as const,
  'gitops.synced' as const,
];

/**
 * One deployment (`GET /deployments/{id}`) kept current by the event stream
 * of its team: a `deployment.*` event for it updates it in place (artifact
 * contents kept), a new revision or a `gitops.*` event fetches it again, and
 * so does a stream reset.
 * @public
 */
export function useLiveDeployment(id: string): LiveDeployment {
  const api = useApi(nestorApiRef);
  const [deployment, setDeployment] = useState<Deployment | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [generation, setGeneration] = useState(0);
  const refetch = useCallback(() => setGeneration(g => g + 1), []);

  useEffect(() => {
    let cancelled = false;
    api.getDeployment(id).then(
      d => {
        if (cancelled) return;
        setDeployment(d);
        setError(undefined);
      },
      e => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, id, generation]);

  const onEvent = useCallback(
    (event: NestorEvent) => {
      if (!deployment || event.ref !== deployment.ref) return;
      const update = deploymentOfEvent(event);
      if (!update || update.id !== deployment.id) {
        // gitops.* events carry the delivery, not the deployment
        refetch();
        return;
      }
      const merged = mergeDeploymentUpdate(deployment, update);
      setDeployment(merged.deployment);
      if (!merged.complete) refetch();
    },
    [deployment, refetch],
  );
  const stream = useNestorEvents(
    deployment ? { team: deployment.team, types: EVENT_TYPES } : undefined,
    onEvent,
    refetch,
  );
  return { deployment, error, stream, setDeployment, refetch };
}
