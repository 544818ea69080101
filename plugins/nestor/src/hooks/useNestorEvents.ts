import { useApi } from '@backstage/frontend-plugin-api';
import type { EventFilters, NestorEvent } from '@nestor/plugin-nestor-common';
import { useEffect, useRef, useState } from 'react';
import { nestorApiRef } from '../api/NestorApi';

/** The state of a live event subscription. @public */
export interface NestorEventsState {
  /** true while the event stream is open */
  live: boolean;
  /** the last connection error (the subscription keeps retrying unless it is fatal) */
  error?: Error;
}

/**
 * Subscribes to Nestor's event stream (`GET /events`, resumed after
 * reconnections without gaps) while the component is mounted. `filters`
 * undefined means "not yet": nothing is subscribed. `onReset` runs when the
 * server cannot resume (the events were older than its retention), which
 * is when a view should reload through REST.
 * @public
 */
export function useNestorEvents(
  filters: EventFilters | undefined,
  onEvent: (event: NestorEvent) => void,
  onReset?: () => void,
): NestorEventsState {
  const api = useApi(nestorApiRef);
  const [state, setState] = useState<NestorEventsState>({ live: false });
  const handlers = useRef({ onEvent, onReset });
  handlers.current = { onEvent, onReset };
  const key = filters ? JSON.stringify(filters) : undefined;

  useEffect(() => {
    if (key === undefined) return undefined;
    const subscription = api.subscribe(
      JSON.parse(key) as EventFilters,
      event => handlers.current.onEvent(event),
      {
        onOpen: () => setState({ live: true }),
        onError: error => setState({ live: false, error }),
        onReset: () => handlers.current.onReset?.(),
      },
    );
    return () => {
      subscription.close();
      setState({ live: false });
    };
  }, [api, key]);

  return state;
}
