import { coreApis } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { nestorApiRef } from '../../api/NestorApi';
import { catalogItem } from '../../__testUtils__/fixtures';
import {
  fakeNestorApi,
  responseError,
} from '../../__testUtils__/fakeNestorApi';
import { buffetItemRouteRef } from '../../routes';
import { BuffetPage } from './BuffetPage';

const postgres = catalogItem('postgres-database', {
  title: 'PostgreSQL database',
  description: 'Managed PostgreSQL with daily backups',
  tags: ['database', 'sql'],
  monthly: 120,
  engine: 'crossplane',
  environments: ['dev', 'staging', 'prod'],
});
const redis = catalogItem('redis-cache', {
  title: 'Redis cache',
  type: 'cache.redis',
  engine: 'helm',
  tags: ['cache'],
  owner: 'team-data',
  monthly: 45,
  environments: ['dev', 'prod'],
});

function render(
  api: ReturnType<typeof fakeNestorApi>['api'],
  entry = '/nestor/buffet',
) {
  return renderInTestApp(<BuffetPage />, {
    apis: [[nestorApiRef, api]],
    mountPath: '/nestor/buffet',
    initialRouteEntries: [entry],
    mountedRoutes: { '/nestor/buffet/:name': buffetItemRouteRef },
  });
}

describe('BuffetPage', () => {
  it('shows each item as a card with cost, engine, environments and an Order link to its template', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockResolvedValue({
      items: [postgres, redis],
      totalCount: 2,
    });
    await render(api);

    const card = await screen.findByRole('article', {
      name: 'PostgreSQL database',
    });
    expect(within(card).getByText('120 USD / month')).toBeInTheDocument();
    expect(within(card).getByText('engine: crossplane')).toBeInTheDocument();
    expect(within(card).getByText('staging')).toBeInTheDocument();
    expect(
      within(card).getByRole('link', { name: 'PostgreSQL database' }),
    ).toHaveAttribute('href', '/nestor/buffet/postgres-database');
    expect(
      within(card).getByRole('button', { name: 'Order postgres-database' }),
    ).toHaveAttribute('href', '/create/templates/default/postgres-database');
    const redisCard = screen.getByRole('article', { name: 'Redis cache' });
    expect(within(redisCard).getByText('45 USD / month')).toBeInTheDocument();
    expect(within(redisCard).queryByText('staging')).not.toBeInTheDocument();
    expect(screen.getByText('2 items')).toBeInTheDocument();
  });

  it('filters on the server by engine and keeps the filters in the URL', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockImplementation(async query =>
      query?.engine === 'helm' || query?.q === 'redis'
        ? { items: [redis], totalCount: 1 }
        : { items: [postgres, redis], totalCount: 2 },
    );
    const { apis } = await render(api);
    await screen.findByRole('article', { name: 'PostgreSQL database' });

    await userEvent.selectOptions(screen.getByLabelText('Engine'), 'helm');
    await waitFor(() =>
      expect(
        screen.queryByRole('article', { name: 'PostgreSQL database' }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByRole('article', { name: 'Redis cache' }),
    ).toBeInTheDocument();
    expect(api.listCatalog).toHaveBeenCalledWith({
      engine: 'helm',
      limit: 500,
    });
    expect(apis.get(coreApis.appHistory)!.getSnapshot().location.search).toBe(
      '?engine=helm',
    );
  });

  it('searches by text once typing pauses', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockImplementation(async query =>
      query?.q === 'redis'
        ? { items: [redis], totalCount: 1 }
        : { items: [postgres, redis], totalCount: 2 },
    );
    await render(api);
    await screen.findByRole('article', { name: 'PostgreSQL database' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search the buffet' }),
      'redis',
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('article', { name: 'PostgreSQL database' }),
      ).not.toBeInTheDocument(),
    );
    expect(api.listCatalog).toHaveBeenCalledWith({ q: 'redis', limit: 500 });
    expect(api.listCatalog).not.toHaveBeenCalledWith(
      expect.objectContaining({ q: 'r' }),
    );
  });

  it('starts from the filters in the URL', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockImplementation(async query =>
      query?.tag === 'cache'
        ? { items: [redis], totalCount: 1 }
        : { items: [postgres, redis], totalCount: 2 },
    );
    await render(api, '/nestor/buffet?tag=cache&owner=team-data');
    expect(
      await screen.findByRole('article', { name: 'Redis cache' }),
    ).toBeInTheDocument();
    expect(api.listCatalog).toHaveBeenCalledWith({
      tag: 'cache',
      owner: 'team-data',
      limit: 500,
    });
    expect(screen.getByLabelText('Tag')).toHaveValue('cache');
    expect(screen.getByLabelText('Owner')).toHaveValue('team-data');
  });

  it('says when nothing matches and clears the filters', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockImplementation(async query =>
      query?.type
        ? { items: [], totalCount: 0 }
        : { items: [postgres], totalCount: 1 },
    );
    await render(api, '/nestor/buffet?type=queue.sqs');
    expect(
      await screen.findByText('Nothing matches these filters'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(
      await screen.findByRole('article', { name: 'PostgreSQL database' }),
    ).toBeInTheDocument();
  });

  it('shows an empty buffet', async () => {
    const { api } = fakeNestorApi();
    await render(api);
    expect(await screen.findByText('The buffet is empty')).toBeInTheDocument();
  });

  it('names the missing permission on a 403', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockRejectedValue(
      await responseError(403, 'user:default/guest may not read the catalog'),
    );
    await render(api);
    expect(
      await screen.findByText(/Permission needed: nestor.catalog.read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/user:default\/guest may not read the catalog/),
    ).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockRejectedValue(
      await responseError(500, 'database is down'),
    );
    await render(api);
    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });
});
