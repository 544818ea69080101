import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Deployment, Revision } from '@nestor/plugin-nestor-common';
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
import { buffetItemRouteRef } from '../../routes';
import { DeploymentPage } from './DeploymentPage';

function revision(n: number, overrides: Partial<Revision> = {}): Revision {
  return {
    revision: n,
    definitionVersion: n === 1 ? '1.3.0' : '1.4.0',
    parameters: { size: n === 1 ? 'small' : 'medium' },
    artifacts: [
      {
        path: 'claim.yaml',
        kind: 'PostgresDatabase',
        apiVersion: 'database.platform.acme.io/v1alpha1',
        content: `kind: PostgresDatabase\nspec:\n  size: ${
          n === 1 ? 'small' : 'medium'
        }\n`,
      },
    ],
    delivery: {
      mode: 'gitops',
      repo: 'https://git.acme.example/payments/infra.git',
      branch: 'main',
      path: 'nestor/dev/orders-db',
      commit: `${n}bc4567890abcdef1234567890abcdef12345678`,
      commitUrl: `https://git.acme.example/payments/infra/commit/${n}bc45678`,
    },
    createdAt: '2025-03-01T09:05:00.000Z',
    requestedBy: 'user:default/guest',
    ...overrides,
  };
}

const syncing: Deployment = deployment('team-payments/dev/orders-db', {
  phase: 'Syncing',
  version: 7,
  history: [
    { phase: 'Pending', at: '2025-03-01T09:00:00.000Z' },
    { phase: 'Rendering', at: '2025-03-01T09:00:01.000Z' },
    {
      phase: 'Committed',
      at: '2025-03-01T09:00:02.000Z',
      reason: 'GitopsCommitted',
      message: 'pushed 2bc45678',
    },
    { phase: 'Syncing', at: '2025-03-01T09:00:03.000Z' },
  ],
  conditions: [
    {
      type: 'Synced',
      status: 'True',
      reason: 'ReconcileSuccess',
      lastTransitionTime: '2025-03-01T09:00:03.000Z',
    },
    {
      type: 'Ready',
      status: 'False',
      reason: 'Creating',
      message: 'RDS instance is being created',
      lastTransitionTime: '2025-03-01T09:00:03.000Z',
    },
  ],
  revisions: [revision(1), revision(2)],
  currentRevision: 2,
  dependsOn: ['team-platform/dev/main-vpc'],
});

function render(api: any) {
  return renderInTestApp(<DeploymentPage id={syncing.id} />, {
    apis: [[nestorApiRef, api]],
    mountedRoutes: { '/nestor/buffet/:name': buffetItemRouteRef },
  });
}

const allowed = {
  items: [team('team-payments', { dev: { destroy: true, update: true } })],
};
const readOnly = { items: [team('team-payments', { dev: {} })] };

describe('DeploymentPage', () => {
  it('shows the timeline, conditions, revisions, artifacts with their commit, and dependencies', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(syncing);
    api.listTeams.mockResolvedValue(readOnly);
    await render(api);

    expect(
      await screen.findByRole('heading', {
        name: 'team-payments/dev/orders-db',
      }),
    ).toBeInTheDocument();
    const timeline = screen.getByLabelText('Phase timeline');
    expect(
      within(timeline).getByText('GitopsCommitted: pushed 2bc45678'),
    ).toBeInTheDocument();
    expect(within(timeline).getByText('Rendering')).toBeInTheDocument();

    const conditions = screen.getByRole('table', { name: 'Conditions' });
    expect(
      within(conditions).getByText('RDS instance is being created'),
    ).toBeInTheDocument();

    const revisions = screen.getByRole('table', { name: 'Revisions' });
    expect(within(revisions).getByText('2 (current)')).toBeInTheDocument();
    expect(
      within(revisions).getByRole('link', { name: /commit 1bc45678/ }),
    ).toHaveAttribute(
      'href',
      'https://git.acme.example/payments/infra/commit/1bc45678',
    );

    expect(screen.getByText(/Revision 2:/)).toBeInTheDocument();
    await userEvent.click(screen.getByText('claim.yaml'));
    expect(await screen.findByText(/size: medium/)).toBeInTheDocument();

    expect(
      within(screen.getByRole('list', { name: 'Dependencies' })).getByText(
        'team-platform/dev/main-vpc',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'postgres-database@1.4.0' }),
    ).toHaveAttribute('href', '/nestor/buffet/postgres-database');
  });

  it('hides cancel and rollback from those not allowed', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(syncing);
    api.listTeams.mockResolvedValue(readOnly);
    await render(api);
    await screen.findByRole('heading', { name: 'team-payments/dev/orders-db' });
    await waitFor(() => expect(api.listTeams).toHaveBeenCalled());
    expect(
      screen.queryByRole('button', { name: 'Cancel deployment' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Roll back' }),
    ).not.toBeInTheDocument();
  });

  it('cancels an in-progress deployment after confirmation', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(syncing);
    api.listTeams.mockResolvedValue(allowed);
    api.deleteDeployment.mockResolvedValue({
      ...syncing,
      phase: 'Cancelled',
      version: 8,
    });
    await render(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Cancel deployment' }),
    );
    expect(screen.getByText('Cancel this deployment?')).toBeInTheDocument();
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel deployment',
      }),
    );
    expect(api.deleteDeployment).toHaveBeenCalledWith(syncing.id);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(screen.getByText('Cancelled')).toBeInTheDocument();
  });

  it('rolls back to the chosen revision, and names the permission when refused', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(syncing);
    api.listTeams.mockResolvedValue(allowed);
    api.rollbackDeployment.mockRejectedValue(
      await responseError(
        403,
        'user:default/guest may not update team-payments/dev/orders-db',
      ),
    );
    await render(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByLabelText('Revision')).toHaveValue('1');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back' }),
    );
    expect(api.rollbackDeployment).toHaveBeenCalledWith(syncing.id, {
      toRevision: 1,
    });
    expect(
      await within(dialog).findByText(
        /Permission needed: nestor.deployment.update/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        /Nestor refused to roll back team-payments\/dev\/orders-db/,
      ),
    ).toBeInTheDocument();
  });

  it('follows the deployment live: phases from events, a new revision fetched again', async () => {
    const { api, emit, open } = fakeNestorApi();
    api.getDeployment.mockResolvedValue(syncing);
    api.listTeams.mockResolvedValue(readOnly);
    await render(api);
    await screen.findByRole('heading', { name: 'team-payments/dev/orders-db' });
    expect(open()[0].filters.team).toBe('team-payments');

    const ready = {
      ...syncing,
      phase: 'Ready' as const,
      version: 8,
      history: [
        ...syncing.history,
        { phase: 'Ready' as const, at: '2025-03-01T09:10:00.000Z' },
      ],
      outputs: {
        host: 'orders-db.abc.eu-west-1.rds.amazonaws.com',
        port: 5432,
      },
      revisions: syncing.revisions.map(r => ({
        ...r,
        artifacts: r.artifacts.map(a => ({ ...a, content: '' })),
      })),
    };
    act(() => emit(deploymentEvent('deployment.completed', ready)));
    expect(
      await screen.findByText('orders-db.abc.eu-west-1.rds.amazonaws.com'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('Phase timeline')).getByText('Ready'),
    ).toBeInTheDocument();
    expect(api.getDeployment).toHaveBeenCalledTimes(1);

    // events of other deployments are not for this page
    act(() =>
      emit(
        deploymentEvent(
          'deployment.phase',
          deployment('team-payments/dev/other', { version: 99 }),
        ),
      ),
    );
    expect(api.getDeployment).toHaveBeenCalledTimes(1);

    const third = {
      ...ready,
      version: 9,
      currentRevision: 3,
      revisions: [
        ...ready.revisions,
        { ...revision(3), artifacts: [{ path: 'claim.yaml', content: '' }] },
      ],
    };
    api.getDeployment.mockResolvedValue({
      ...third,
      revisions: [...syncing.revisions, revision(3)],
    });
    act(() => emit(deploymentEvent('deployment.phase', third)));
    await waitFor(() => expect(api.getDeployment).toHaveBeenCalledTimes(2));
    expect(await screen.findByText('3 (current)')).toBeInTheDocument();
  });

  it('names the missing permission on a 403', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockRejectedValue(
      await responseError(403, 'may not read'),
    );
    await render(api);
    expect(
      await screen.findByText(/Permission needed: nestor.deployment.read/),
    ).toBeInTheDocument();
  });

  it('says when the deployment does not exist', async () => {
    const { api } = fakeNestorApi();
    api.getDeployment.mockRejectedValue(
      await responseError(404, 'No deployment'),
    );
    await render(api);
    expect(
      await screen.findByText(
        /Nestor could not find deployment "id-orders-db-dev"/,
      ),
    ).toBeInTheDocument();
  });
});
