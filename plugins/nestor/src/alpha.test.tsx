import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { nestorApiRef } from './api/NestorApi';
import { catalogItem, deployment } from './__testUtils__/fixtures';
import { fakeNestorApi } from './__testUtils__/fakeNestorApi';
import nestorPlugin from './alpha';

function start(api: any, path: string) {
  return renderTestApp({
    features: [nestorPlugin],
    apis: [[nestorApiRef, api]],
    initialRouteEntries: [path],
  });
}

describe('nestor plugin', () => {
  it('mounts the buffet at /nestor/buffet', async () => {
    const { api } = fakeNestorApi();
    api.listCatalog.mockResolvedValue({
      items: [catalogItem('redis-cache', { title: 'Redis cache' })],
      totalCount: 1,
    });
    start(api, '/nestor/buffet');
    expect(
      await screen.findByRole('article', { name: 'Redis cache' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Redis cache' })).toHaveAttribute(
      'href',
      '/nestor/buffet/redis-cache',
    );
  });

  it('mounts an item page at /nestor/buffet/:name, as the catalog module links it', async () => {
    const { api } = fakeNestorApi();
    api.getCatalogItem.mockResolvedValue(
      catalogItem('redis-cache', { title: 'Redis cache' }),
    );
    start(api, '/nestor/buffet/redis-cache');
    expect(
      await screen.findByRole('heading', { name: 'Redis cache' }),
    ).toBeInTheDocument();
    expect(api.getCatalogItem).toHaveBeenCalledWith('redis-cache');
  });

  it('mounts the deployments and a deployment page at /nestor/deployments(/:id)', async () => {
    const d = deployment('team-payments/dev/orders-db', { id: 'dep-42' });
    const { api } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [d] });
    api.getDeployment.mockResolvedValue(d);
    start(api, '/nestor/deployments');
    expect(await screen.findByRole('link', { name: d.ref })).toHaveAttribute(
      'href',
      '/nestor/deployments/dep-42',
    );
  });

  it('opens a deployment by its id', async () => {
    const d = deployment('team-payments/dev/orders-db', { id: 'dep-42' });
    const { api } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(d);
    start(api, '/nestor/deployments/dep-42');
    expect(
      await screen.findByRole('heading', { name: d.ref }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getDeployment).toHaveBeenCalledWith('dep-42'),
    );
  });
});

describe('nestor plugin extensions', () => {
  it.each([
    'api:nestor',
    'page:nestor/buffet',
    'page:nestor/buffet-item',
    'page:nestor/deployments',
    'page:nestor/deployment',
    'entity-content:nestor/nestor',
    'entity-card:nestor/quotas',
  ])('has %s, as the README names it for app-config', id => {
    expect(nestorPlugin.getExtension(id as any)).toEqual(
      expect.objectContaining({ $$type: '@backstage/ExtensionDefinition' }),
    );
  });
});
