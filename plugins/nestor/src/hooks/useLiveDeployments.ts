import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Deployment,
  DeploymentQuery,
  NestorEvent,
} from '@nestor/plugin-nestor-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { nestorApiRef } from '../api/NestorApi';
import { applyDeploymentUpdate } from './applyDeploymentUpdate';
import { DEPLOYMENT_EVENT_TYPES, deploymentOfEvent } from './deploymentOfEvent';
import { useNestorEvents } from './useNestorEvents';

/** What {@link useLiveDeployments} returns. @public */
export interface LiveDeployments {
  items: Deployment[];
  loading: boolean;
  error?: Error;
  /** true while the event stream is open */
  live: boolean;
  /** the last event stream error, if it is not open */
  streamError?: Error;
  /** more pages wait behind the cursor */
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
}

const PAGE_SIZE = 100;

/**
 * A list of deployments (`GET /deployments` with the query's filters) kept
 * up to date by the event stream: each `deployment.*` event updates, adds or
 * removes one row, so the list follows every phase change without reloading.
 * Events that arrive while a page is loading are applied once it is there.
 * `query` undefined waits (e.g. until the entity's scope is known).
 * @public
 */
export function useLiveDeployments(
  query: DeploymentQuery | undefined,
  options: { filter?: (deployment: Deployment) => boolean } = {},
): LiveDeployments {
  const api = useApi(nestorApiRef);
  const key = query ? JSON.stringify(query) : undefined;
  const [items, setItems] = useState<Deployment[] | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const pending = useRef<Deployment[]>([]);
  const filter = useRef(options.filter);
  filter.current = options.filter;

  useEffect(() => {
    if (key === undefined) return undefined;
    let cancelled = false;
    setItems(undefined);
    setError(undefined);
    pending.current = [];
    api
      .listDeployments({
        ...(JSON.parse(key) as DeploymentQuery),
        limit: PAGE_SIZE,
      })
      .then(page => {
        if (cancelled) return;
        let list = page.items;
        for (const update of pending.current) {
          list = applyDeploymentUpdate(list, update, JSON.parse(key));
        }
        pending.current = [];
        setItems(list);
        setCursor(page.nextCursor);
      })
      .catch(e => {
        if (!cancelled) setError(e);
      });
    return () => {
      cancelled = true;
    };
  }, [api, key, generation]);

  const onEvent = useCallback(
    (event: NestorEvent) => {
      const deployment = deploymentOfEvent(event);
      if (!deployment || key === undefined) return;
      setItems(current => {
        if (current === undefined) {
          pending.current.push(deployment);
          return current;
        }
        return applyDeploymentUpdate(current, deployment, JSON.parse(key));
      });
    },
    [key],
  );
  const reload = useCallback(() => setGeneration(g => g + 1), []);
  const stream = useNestorEvents(
    query
      ? {
          ...(query.team ? { team: query.team } : {}),
          types: [...DEPLOYMENT_EVENT_TYPES],
        }
      : undefined,
    onEvent,
    reload,
  );

  const loadMore = useCallback(() => {
    if (!cursor || key === undefined) return;
    api
      .listDeployments({ ...JSON.parse(key), limit: PAGE_SIZE, cursor })
      .then(page => {
        setItems(current => {
          const seen = new Set((current ?? []).map(d => d.id));
          return [
            ...(current ?? []),
            ...page.items.filter(d => !seen.has(d.id)),
          ];
        });
        setCursor(page.nextCursor);
      })
      .catch(setError);
  }, [api, cursor, key]);

  const visible = (items ?? []).filter(d => filter.current?.(d) ?? true);
  return {
    items: visible,
    loading: key !== undefined && items === undefined && !error,
    error,
    live: stream.live,
    streamError: stream.error,
    hasMore: Boolean(cursor),
    loadMore,
    reload,
  };
}
