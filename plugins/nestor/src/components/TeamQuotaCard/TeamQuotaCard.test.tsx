import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { nestorApiRef } from '../../api/NestorApi';
import {
  fakeNestorApi,
  responseError,
} from '../../__testUtils__/fakeNestorApi';
import { TeamQuotaCard } from './TeamQuotaCard';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-payments' },
  spec: { type: 'team', children: [] },
};

function render(api: any) {
  return renderInTestApp(
    <EntityProvider entity={group}>
      <TeamQuotaCard />
    </EntityProvider>,
    { apis: [[nestorApiRef, api]] },
  );
}

describe('TeamQuotaCard', () => {
  it('shows usage against limits per environment, per-type limits included', async () => {
    const { api } = fakeNestorApi();
    api.getTeamQuotas.mockResolvedValue({
      team: 'team-payments',
      items: [
        {
          environment: 'dev',
          limits: {
            maxDeployments: 20,
            maxMonthlyCost: 2000,
            perType: { 'database.postgresql': { maxDeployments: 4 } },
          },
          usage: {
            deployments: 3,
            monthlyCost: 360,
            perType: {
              'database.postgresql': { deployments: 3, monthlyCost: 360 },
            },
          },
        },
        {
          environment: 'staging',
          limits: {},
          usage: { deployments: 1, monthlyCost: 45, perType: {} },
        },
      ],
    });
    await render(api);
    const dev = await screen.findByRole('region', { name: 'Quota in dev' });
    expect(
      within(dev).getByRole('meter', { name: 'Deployments: 3 of 20' }),
    ).toHaveAttribute('aria-valuemax', '20');
    expect(
      within(dev).getByRole('meter', { name: 'Monthly cost: 360 of 2,000' }),
    ).toBeInTheDocument();
    expect(
      within(dev).getByRole('meter', {
        name: 'database.postgresql deployments: 3 of 4',
      }),
    ).toBeInTheDocument();
    const staging = screen.getByRole('region', { name: 'Quota in staging' });
    expect(
      within(staging).getByText('Deployments: 1 (no limit)'),
    ).toBeInTheDocument();
    expect(within(staging).queryByRole('meter')).not.toBeInTheDocument();
    expect(api.getTeamQuotas).toHaveBeenCalledWith('team-payments');
  });

  it('says when the team has no quotas', async () => {
    const { api } = fakeNestorApi();
    await render(api);
    expect(
      await screen.findByText(
        'team-payments has no environments with quotas in Nestor.',
      ),
    ).toBeInTheDocument();
  });

  it('names the missing permission on a 403', async () => {
    const { api } = fakeNestorApi();
    api.getTeamQuotas.mockRejectedValue(
      await responseError(
        403,
        'user:default/guest may not read the deployments of team "team-payments"',
      ),
    );
    await render(api);
    expect(
      await screen.findByText(/Permission needed: nestor.deployment.read/),
    ).toBeInTheDocument();
  });

  it('says when the team is unknown to Nestor', async () => {
    const { api } = fakeNestorApi();
    api.getTeamQuotas.mockRejectedValue(
      await responseError(404, 'No team "team-payments"'),
    );
    await render(api);
    expect(
      await screen.findByText(
        /Nestor could not find the quotas of team-payments/,
      ),
    ).toBeInTheDocument();
  });
});
