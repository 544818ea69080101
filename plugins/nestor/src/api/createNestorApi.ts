import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { NestorClient } from '@nestor/plugin-nestor-common';
import type { NestorApi } from './NestorApi';

/**
 * The default {@link NestorApi}: a `NestorClient` that finds the backend
 * through Backstage's discovery API (`/api/nestor`) and sends every request,
 * the event stream included, through Backstage's fetch API, which adds the
 * signed-in user's token.
 * @public
 */
export function createNestorApi(options: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}): NestorApi {
  return new NestorClient({
    discoveryApi: options.discoveryApi,
    fetchApi: options.fetchApi,
  });
}
