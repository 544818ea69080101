import { ResponseError } from '@backstage/errors';
import type {
  EventFilters,
  NestorEvent,
  SubscribeOptions,
} from '@nestor/plugin-nestor-common';
import type { NestorApi } from '../api/NestorApi';

interface Subscription {
  filters: EventFilters;
  onEvent: (event: NestorEvent) => void;
  options: SubscribeOptions;
  closed: boolean;
}

/**
 * A NestorApi whose REST calls are jest mocks (empty answers unless a test
 * says otherwise) and whose event stream the test drives: `emit` delivers an
 * event to every open subscription, as the SSE stream would.
 */
export function fakeNestorApi(overrides: Partial<NestorApi> = {}) {
  const subscriptions: Subscription[] = [];
  const api = {
    listCatalog: jest.fn(async () => ({ items: [], totalCount: 0 })),
    getCatalogItem: jest.fn(async () => {
      throw new Error('getCatalogItem not faked');
    }),
    getCatalogItemVersions: jest.fn(async () => ({ items: [] })),
    listDeployments: jest.fn(async () => ({ items: [] })),
    getDeployment: jest.fn(async () => {
      throw new Error('getDeployment not faked');
    }),
    deleteDeployment: jest.fn(async () => {
      throw new Error('deleteDeployment not faked');
    }),
    rollbackDeployment: jest.fn(async () => {
      throw new Error('rollbackDeployment not faked');
    }),
    listDependencies: jest.fn(async () => ({ items: [] })),
    getDependencyGraph: jest.fn(async () => ({
      nodes: [],
      edges: [],
      cycles: [],
    })),
    getImpact: jest.fn(async (ref: string) => ({
      ref,
      dependents: [],
      teams: [],
    })),
    listTeams: jest.fn(async () => ({ items: [] })),
    getTeamQuotas: jest.fn(async (t: string) => ({ team: t, items: [] })),
    listEngines: jest.fn(async () => ({ items: [] })),
    subscribe: jest.fn(
      (
        filters: EventFilters,
        onEvent: (event: NestorEvent) => void,
        options: SubscribeOptions = {},
      ) => {
        const subscription: Subscription = {
          filters,
          onEvent,
          options,
          closed: false,
        };
        subscriptions.push(subscription);
        options.onOpen?.();
        return {
          get lastEventId() {
            return undefined;
          },
          get closed() {
            return subscription.closed;
          },
          close() {
            subscription.closed = true;
          },
        };
      },
    ),
    ...overrides,
  } as unknown as jest.Mocked<NestorApi>;

  return {
    api,
    /** the subscriptions still open */
    open: () => subscriptions.filter(s => !s.closed),
    emit(event: NestorEvent) {
      for (const s of subscriptions) if (!s.closed) s.onEvent(event);
    },
  };
}

/** The error NestorClient throws for an answer with this status and message. */
export async function responseError(
  status: number,
  message: string,
  name = status === 403 ? 'NotAllowedError' : 'Error',
): Promise<ResponseError> {
  const body = {
    error: { name, message },
    request: { method: 'GET', url: '/api/nestor/x' },
    response: { statusCode: status },
  };
  return ResponseError.fromResponse(
    new Response(JSON.stringify(body), {
      status,
      statusText: status === 403 ? 'Forbidden' : 'Error',
      headers: { 'Content-Type': 'application/json' },
    }) as any,
  );
}
