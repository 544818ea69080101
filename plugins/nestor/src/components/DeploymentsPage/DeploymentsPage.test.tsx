import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createNestorApi } from '../../api/createNestorApi';
import { nestorApiRef } from '../../api/NestorApi';
import {
  deployment,
  deploymentEvent,
  team,
} from '../../__testUtils__/fixtures';
import {
  fakeNestorApi,
  responseError,
} from '../../__testUtils__/fakeNestorApi';
import { sseBackend } from '../../__testUtils__/sseBackend';
import { deploymentRouteRef } from '../../routes';
import { DeploymentsPage } from './DeploymentsPage';

const ordersDb = deployment('team-payments/dev/orders-db', {
  phase: 'Rendering',
  version: 3,
});
const cache = deployment('team-payments/prod/cache', {
  phase: 'Ready',
  resource: {
    name: 'redis-cache',
    version: '2.0.0',
    type: 'cache.redis',
    requestedVersion: '^2',
  },
});
const teams = {
  items: [
    team('team-payments', { dev: { deploy: true }, staging: {}, prod: {} }),
    team('team-checkout', { dev: {}, prod: {} }),
  ],
};

function render(api: any, entry = '/nestor/deployments') {
  return renderInTestApp(<DeploymentsPage />, {
    apis: [[nestorApiRef, api]],
    initialRouteEntries: [entry],
    mountedRoutes: { '/nestor/deployments/:id': deploymentRouteRef },
  });
}

function rowOf(ref: string) {
  return screen.getByRole('link', { name: ref }).closest('tr')!;
}

describe('DeploymentsPage', () => {
  it('lists deployments with links, phases and teams', async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [ordersDb, cache] });
    api.listTeams.mockResolvedValue(teams);
    await render(api);

    expect(
      await screen.findByRole('link', { name: 'team-payments/dev/orders-db' }),
    ).toHaveAttribute('href', `/nestor/deployments/${ordersDb.id}`);
    expect(
      within(rowOf('team-payments/dev/orders-db')).getByText('Rendering'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('team-payments/prod/cache')).getByText('redis-cache@2.0.0'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Live updates on')).toBeInTheDocument();
  });

  it('follows phase changes and new orders from the event stream without reloading', async () => {
    const { api, emit, open } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [ordersDb] });
    api.listTeams.mockResolvedValue(teams);
    await render(api);
    await screen.findByRole('link', { name: 'team-payments/dev/orders-db' });
    expect(open()).toHaveLength(1);
    expect(open()[0].filters.types).toEqual([
      'deployment.created',
      'deployment.phase',
      'deployment.completed',
      'deployment.failed',
    ]);

    act(() =>
      emit(
        deploymentEvent('deployment.phase', {
          ...ordersDb,
          phase: 'Ready',
          version: 4,
        }),
      ),
    );
    expect(
      within(rowOf('team-payments/dev/orders-db')).getByText('Ready'),
    ).toBeInTheDocument();

    // an older copy arriving late changes nothing
    act(() =>
      emit(
        deploymentEvent('deployment.phase', {
          ...ordersDb,
          phase: 'Applying',
          version: 2,
        }),
      ),
    );
    expect(
      within(rowOf('team-payments/dev/orders-db')).getByText('Ready'),
    ).toBeInTheDocument();

    const newer = deployment('team-payments/staging/new-db', {
      phase: 'Pending',
    });
    act(() => emit(deploymentEvent('deployment.created', newer)));
    expect(
      await screen.findByRole('link', { name: 'team-payments/staging/new-db' }),
    ).toBeInTheDocument();
    expect(api.listDeployments).toHaveBeenCalledTimes(1);
  });

  it('drops a row that leaves the phase filter, and subscribes to the filtered team only', async () => {
    const { api, emit, open } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [ordersDb] });
    api.listTeams.mockResolvedValue(teams);
    await render(api, '/nestor/deployments?team=team-payments&phase=Rendering');
    await screen.findByRole('link', { name: 'team-payments/dev/orders-db' });
    expect(api.listDeployments).toHaveBeenCalledWith({
      team: 'team-payments',
      phase: 'Rendering',
      limit: 100,
    });
    expect(open()[0].filters.team).toBe('team-payments');

    act(() =>
      emit(
        deploymentEvent('deployment.phase', {
          ...ordersDb,
          phase: 'Committed',
          version: 4,
        }),
      ),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('link', { name: 'team-payments/dev/orders-db' }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByText('No deployment matches these filters'),
    ).toBeInTheDocument();
  });

  it('refetches with the filters chosen', async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockImplementation(async q =>
      q?.environment === 'prod'
        ? { items: [cache] }
        : { items: [ordersDb, cache] },
    );
    api.listTeams.mockResolvedValue(teams);
    await render(api);
    await screen.findByRole('link', { name: 'team-payments/dev/orders-db' });
    await waitFor(() =>
      expect(screen.getByLabelText('Environment')).toHaveTextContent('prod'),
    );
    await userEvent.selectOptions(screen.getByLabelText('Environment'), 'prod');
    await waitFor(() =>
      expect(
        screen.queryByRole('link', { name: 'team-payments/dev/orders-db' }),
      ).not.toBeInTheDocument(),
    );
    expect(api.listDeployments).toHaveBeenLastCalledWith({
      environment: 'prod',
      limit: 100,
    });
    expect(
      screen.getByRole('link', { name: 'team-payments/prod/cache' }),
    ).toBeInTheDocument();
  });

  it('updates live through the real client and an SSE stream', async () => {
    const backend = sseBackend({
      '/deployments': () => ({ items: [ordersDb] }),
      '/teams': () => teams,
    });
    await render(createNestorApi(backend));
    await screen.findByRole('link', { name: 'team-payments/dev/orders-db' });
    await waitFor(() => expect(backend.streams()).toBe(1));

    await act(async () =>
      backend.push(
        deploymentEvent('deployment.completed', {
          ...ordersDb,
          phase: 'Ready',
          version: 9,
        }),
      ),
    );
    await waitFor(() =>
      expect(
        within(rowOf('team-payments/dev/orders-db')).getByText('Ready'),
      ).toBeInTheDocument(),
    );
    expect(
      backend.requests.filter(r => r.startsWith('GET /api/nestor/deployments')),
    ).toHaveLength(1);
    expect(backend.requests).toContain(
      'GET /api/nestor/events?types=deployment.created%2Cdeployment.phase%2Cdeployment.completed%2Cdeployment.failed',
    );
  });

  it('shows the empty state', async () => {
    const { api } = fakeNestorApi();
    await render(api);
    expect(await screen.findByText('No deployments yet')).toBeInTheDocument();
  });

  it('names the missing permission on a 403', async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockRejectedValue(
      await responseError(
        403,
        'user:default/guest may not read the deployments of team "team-data"',
      ),
    );
    await render(api, '/nestor/deployments?team=team-data');
    expect(
      await screen.findByText(/Permission needed: nestor.deployment.read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Nestor did not show the deployments of team-data/),
    ).toBeInTheDocument();
  });

  it('shows when the event stream is down', async () => {
    const { api } = fakeNestorApi({
      subscribe: jest.fn((_f, _e, options) => {
        options?.onError?.(new Error('503 Service Unavailable'));
        return { lastEventId: undefined, closed: false, close() {} };
      }) as any,
    });
    await render(api);
    expect(await screen.findByLabelText('Live updates off')).toHaveTextContent(
      'Reconnecting',
    );
  });
});
