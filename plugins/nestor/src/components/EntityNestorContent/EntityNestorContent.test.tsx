import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { act, screen, waitFor, within } from '@testing-library/react';
import { nestorApiRef } from '../../api/NestorApi';
import { deployment, deploymentEvent } from '../../__testUtils__/fixtures';
import {
  fakeNestorApi,
  responseError,
} from '../../__testUtils__/fakeNestorApi';
import { deploymentRouteRef } from '../../routes';
import { EntityNestorContent } from './EntityNestorContent';

const ordersDb = deployment('team-payments/dev/orders-db', {
  phase: 'Syncing',
  version: 2,
});
const ledger = deployment('team-payments/dev/ledger', { phase: 'Ready' });
const checkoutApi = deployment('team-checkout/dev/checkout-api', {
  phase: 'Ready',
});

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const ordersDbEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'team-payments.dev.orders-db',
    namespace: 'default',
    annotations: { 'nestor.io/deployment-ref': 'team-payments/dev/orders-db' },
  },
  spec: { type: 'database.postgresql', owner: 'group:default/team-payments' },
};

const service = (extra: Partial<Entity> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-service', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-payments',
  },
  ...extra,
});

beforeAll(() => {
  // jsdom lays out no SVG; the graph measures its nodes with getBBox
  Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
    value: () => ({ x: 0, y: 0, width: 120, height: 44 }),
    configurable: true,
  });
});

function render(entity: Entity, api: any, entities: Entity[] = []) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityNestorContent />
    </EntityProvider>,
    {
      apis: [
        [nestorApiRef, api],
        [catalogApiRef, catalogApiMock({ entities })],
      ],
      mountedRoutes: { '/nestor/deployments/:id': deploymentRouteRef },
    },
  );
}

describe('EntityNestorContent', () => {
  it("shows a team's deployments live, its graph with cross-team edges, and who breaks", async () => {
    const { api, emit } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [ordersDb, ledger] });
    api.getDependencyGraph.mockResolvedValue({
      nodes: [
        {
          ref: ordersDb.ref,
          team: 'team-payments',
          environment: 'dev',
          resource: 'postgres-database',
          phase: 'Syncing',
          visible: true,
        },
        {
          ref: checkoutApi.ref,
          team: 'team-checkout',
          environment: 'dev',
          resource: 'web-service',
          phase: 'Ready',
          visible: true,
        },
      ],
      edges: [{ from: checkoutApi.ref, to: ordersDb.ref, crossTeam: true }],
      cycles: [],
    });
    api.getImpact.mockImplementation(async ref => ({
      ref,
      dependents:
        ref === ordersDb.ref
          ? [
              {
                ref: checkoutApi.ref,
                team: 'team-checkout',
                depth: 1,
                path: [checkoutApi.ref, ordersDb.ref],
              },
            ]
          : [],
      teams: ref === ordersDb.ref ? ['team-checkout'] : [],
    }));
    await render(group, api);

    expect(
      await screen.findByRole('link', { name: ordersDb.ref }),
    ).toBeInTheDocument();
    expect(api.listDeployments).toHaveBeenCalledWith({
      team: 'team-payments',
      limit: 100,
    });
    expect(api.getDependencyGraph).toHaveBeenCalledWith({
      team: 'team-payments',
    });

    const crossTeam = await screen.findByRole('list', {
      name: 'Cross-team dependencies',
    });
    expect(crossTeam).toHaveTextContent(
      `${checkoutApi.ref} depends on ${ordersDb.ref}`,
    );
    expect(await screen.findAllByText('cross-team')).not.toHaveLength(0);
    expect(
      screen.getAllByText(`${checkoutApi.ref}`, { selector: 'text' }),
    ).toHaveLength(1);

    const impact = await screen.findByRole('table', { name: 'Impact' });
    expect(
      within(impact).getByText('team-checkout (other team)'),
    ).toBeInTheDocument();
    expect(within(impact).getByText('direct')).toBeInTheDocument();
    expect(api.getImpact).toHaveBeenCalledWith(ordersDb.ref);
    expect(api.getImpact).toHaveBeenCalledWith(ledger.ref);

    act(() =>
      emit(
        deploymentEvent('deployment.failed', {
          ...ordersDb,
          phase: 'Failed',
          version: 3,
        }),
      ),
    );
    const row = screen.getByRole('link', { name: ordersDb.ref }).closest('tr')!;
    expect(within(row).getByText('Failed')).toBeInTheDocument();
  });

  it("narrows a deployment's own entity to that deployment and the graph around it", async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({ items: [ordersDb, ledger] });
    await render(ordersDbEntity, api);
    expect(
      await screen.findByRole('link', { name: ordersDb.ref }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: ledger.ref }),
    ).not.toBeInTheDocument();
    expect(api.listDeployments).toHaveBeenCalledWith({
      team: 'team-payments',
      environment: 'dev',
      limit: 100,
    });
    await waitFor(() =>
      expect(api.getDependencyGraph).toHaveBeenCalledWith({
        root: ordersDb.ref,
      }),
    );
    expect(
      await screen.findByText(
        /Nothing depends on team-payments\/dev\/orders-db/,
      ),
    ).toBeInTheDocument();
  });

  it('finds the deployments a component depends on through the catalog, and the annotated ones', async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockResolvedValue({
      items: [ordersDb, ledger, checkoutApi],
    });
    const component = service({
      metadata: {
        name: 'payments-service',
        namespace: 'default',
        annotations: {
          'nestor.io/deployments': 'team-checkout/dev/checkout-api, not-a-ref',
        },
      },
      relations: [
        {
          type: 'dependsOn',
          targetRef: 'resource:default/team-payments.dev.orders-db',
        },
      ],
    });
    await render(component, api, [ordersDbEntity]);
    expect(
      await screen.findByRole('link', { name: ordersDb.ref }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: checkoutApi.ref }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: ledger.ref }),
    ).not.toBeInTheDocument();
    // two teams: every visible deployment is listed, then narrowed to the two refs
    expect(api.listDeployments).toHaveBeenCalledWith({ limit: 100 });
  });

  it('explains how to tie an entity without deployments', async () => {
    const { api } = fakeNestorApi();
    await render(service(), api);
    expect(
      await screen.findByText('No Nestor deployment is tied to this entity'),
    ).toBeInTheDocument();
    expect(api.listDeployments).not.toHaveBeenCalled();
  });

  it('names the missing permission on a 403', async () => {
    const { api } = fakeNestorApi();
    api.listDeployments.mockRejectedValue(
      await responseError(403, 'may not read team-payments'),
    );
    api.getDependencyGraph.mockRejectedValue(
      await responseError(403, 'may not read team-payments'),
    );
    await render(group, api);
    expect(
      await screen.findAllByText(/Permission needed: nestor.deployment.read/),
    ).toHaveLength(2);
    expect(
      screen.getByText(/Nestor did not show the deployments of team-payments/),
    ).toBeInTheDocument();
  });
});
