import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { nestorApiRef } from '../../api/NestorApi';
import { catalogItem, itemVersion, team } from '../../__testUtils__/fixtures';
import {
  fakeNestorApi,
  responseError,
} from '../../__testUtils__/fakeNestorApi';
import { deploymentsRouteRef } from '../../routes';
import { BuffetItemPage } from './BuffetItemPage';

const postgres = catalogItem('postgres-database', {
  title: 'PostgreSQL database',
  description: 'Managed PostgreSQL with daily backups',
  monthly: 120,
  environments: ['dev', 'staging', 'prod'],
  visibility: { teams: ['team-payments', 'team-checkout'] },
  requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
  outputs: ['host', 'port'],
  parameters: {
    type: 'object',
    required: ['size'],
    properties: {
      size: {
        type: 'string',
        enum: ['small', 'medium', 'large'],
        default: 'small',
        description: 'Instance class',
      },
      storageGb: {
        type: 'integer',
        minimum: 20,
        maximum: 2000,
        default: 50,
        description: 'Allocated storage in GiB',
      },
    },
  },
});

function render(api: ReturnType<typeof fakeNestorApi>['api']) {
  return renderInTestApp(<BuffetItemPage name="postgres-database" />, {
    apis: [[nestorApiRef, api]],
    mountedRoutes: { '/nestor/deployments': deploymentsRouteRef },
  });
}

describe('BuffetItemPage', () => {
  it('renders the parameters readably, the history, who may order it and the Order button', async () => {
    const { api } = fakeNestorApi();
    api.getCatalogItem.mockResolvedValue(postgres);
    api.getCatalogItemVersions.mockResolvedValue({
      items: [
        itemVersion(postgres, '1.3.0', 'created'),
        {
          ...itemVersion(postgres, '1.4.0', 'updated', ['spec.parameters']),
          syncedAt: '2025-03-01T10:00:00.000Z',
        },
      ],
    });
    api.listTeams.mockResolvedValue({
      items: [
        team('team-payments', {
          dev: { deploy: true },
          staging: { deploy: true },
          prod: { deploy: false },
        }),
        team('team-data', { dev: { deploy: true } }),
        team('team-checkout', { dev: { deploy: false } }),
      ],
    });
    await render(api);

    expect(
      await screen.findByRole('heading', { name: 'PostgreSQL database' }),
    ).toBeInTheDocument();
    expect(api.getCatalogItem).toHaveBeenCalledWith('postgres-database');

    const params = screen.getByRole('table', { name: 'Parameters' });
    const size = within(params).getByText('size').closest('tr')!;
    expect(within(size).getByText('required')).toBeInTheDocument();
    expect(
      within(size).getByText('one of small, medium, large'),
    ).toBeInTheDocument();
    expect(within(size).getByText('"small"')).toBeInTheDocument();
    const storage = within(params).getByText('storageGb').closest('tr')!;
    expect(within(storage).getByText('from 20 to 2000')).toBeInTheDocument();
    expect(within(storage).queryByText('required')).not.toBeInTheDocument();

    const history = screen.getByRole('table', { name: 'Version history' });
    const rows = within(history).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['1.4.0', '1.3.0']);
    expect(within(rows[0]).getByText('spec.parameters')).toBeInTheDocument();

    expect(
      screen.getByText('team-platform, team-payments, team-checkout'),
    ).toBeInTheDocument();
    const mine = screen.getByRole('list', { name: 'Teams you may order for' });
    expect(within(mine).getByText('team-payments')).toBeInTheDocument();
    expect(within(mine).getByText('staging')).toBeInTheDocument();
    expect(within(mine).queryByText('prod')).not.toBeInTheDocument();
    // team-data may deploy, but the item is not visible to it
    expect(within(mine).queryByText('team-data')).not.toBeInTheDocument();

    expect(
      screen.getByRole('button', { name: 'Order postgres-database' }),
    ).toHaveAttribute('href', '/create/templates/default/postgres-database');
    expect(screen.getByText('network.vpc >=1.0.0 <2.0.0')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Its deployments' }),
    ).toHaveAttribute('href', '/nestor/deployments?resource=postgres-database');
  });

  it('says when none of the teams may order it', async () => {
    const { api } = fakeNestorApi();
    api.getCatalogItem.mockResolvedValue(postgres);
    api.listTeams.mockResolvedValue({
      items: [team('team-payments', { dev: { deploy: false } })],
    });
    await render(api);
    expect(await screen.findByText(/None of your teams/)).toBeInTheDocument();
    expect(screen.getByText('No history recorded yet.')).toBeInTheDocument();
  });

  it('says the item is missing or hidden on a 404', async () => {
    const { api } = fakeNestorApi();
    api.getCatalogItem.mockRejectedValue(
      await responseError(404, 'No buffet item "postgres-database"'),
    );
    await render(api);
    expect(
      await screen.findByText(
        /Nestor could not find buffet item "postgres-database"/,
      ),
    ).toBeInTheDocument();
  });

  it('names the permission on a 403 from the history', async () => {
    const { api } = fakeNestorApi();
    api.getCatalogItem.mockResolvedValue(postgres);
    api.getCatalogItemVersions.mockRejectedValue(
      await responseError(403, 'not allowed'),
    );
    await render(api);
    expect(
      await screen.findByText(/Permission needed: nestor.catalog.read/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Parameters' }),
    ).toBeInTheDocument();
  });
});
