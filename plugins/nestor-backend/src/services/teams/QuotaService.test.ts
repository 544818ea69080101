import { TestDatabases } from '@backstage/backend-test-utils';
import { NewNestorEvent, TeamConfig } from '@nestor/plugin-nestor-common';
import { DatabaseNestorStore } from '../../stores/database/DatabaseNestorStore';
import { QuotaService } from './QuotaService';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function teamConfig(quotas: TeamConfig['spec']['quotas']): TeamConfig {
  return {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'TeamConfig',
    metadata: { name: 'team-a' },
    spec: { environments: ['dev', 'prod'], quotas, grants: [], delivery: 'gitops' },
  };
}

async function setup(quotas: TeamConfig['spec']['quotas']) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
  await store.teams.putTeams([
    { id: 'team-a', config: teamConfig(quotas), source: { id: 's', path: 'teams.yaml', commit: 'c' }, updatedAt: '2024-01-01T00:00:00Z' },
  ]);
  const published: NewNestorEvent[] = [];
  const quotas_ = QuotaService.create({
    teams: store.teams,
    events: {
      publish: async events => {
        published.push(...events);
        return [];
      },
    },
  });
  return { quotas: quotas_, published, store };
}

const claim = (overrides: Partial<Parameters<QuotaService['reserve']>[0]> = {}) => ({
  team: 'team-a',
  environment: 'dev',
  resourceType: 'database.postgresql',
  monthlyCost: 100,
  ref: 'team-a/dev/db',
  ...overrides,
});

describe('QuotaService', () => {
  it('admits up to maxDeployments, then refuses naming the limit and emits quota.exceeded', async () => {
    const { quotas, published } = await setup({ dev: { maxDeployments: 2 } });
    await expect(quotas.reserve(claim())).resolves.toEqual({ ok: true });
    await expect(quotas.reserve(claim())).resolves.toEqual({ ok: true });
    const refused = await quotas.reserve(claim({ ref: 'team-a/dev/third' }));
    expect(refused).toEqual({ ok: false, limit: 'maxDeployments', scope: '*', current: 2, max: 2 });
    expect(QuotaService.describe(claim(), refused as any)).toBe('quota maxDeployments of team-a in dev reached: 2 of 2 deployments');
    expect(published).toEqual([
      {
        type: 'quota.exceeded',
        team: 'team-a',
        ref: 'team-a/dev/third',
        payload: expect.objectContaining({ environment: 'dev', limit: 'maxDeployments', scope: '*', current: 2, max: 2 }),
      },
    ]);
  });

  it('takes the limits from the team as the caller read it, without reading it again; a team read as having no config has no limits', async () => {
    const { quotas, store } = await setup({ dev: { maxDeployments: 5 } });
    const getTeam = jest.spyOn(store.teams, 'getTeam');
    const read = { id: 'team-a', config: teamConfig({ dev: { maxDeployments: 1 } }), source: { id: 's', path: 'teams.yaml', commit: 'c' }, updatedAt: '2024-01-01T00:00:00Z' };
    await expect(quotas.reserve(claim(), { team: read })).resolves.toEqual({ ok: true });
    await expect(quotas.reserve(claim(), { team: read })).resolves.toMatchObject({ ok: false, limit: 'maxDeployments', max: 1 });
    await expect(quotas.reserve(claim(), { team: undefined })).resolves.toEqual({ ok: true });
    expect(getTeam).not.toHaveBeenCalled();
    // without it, the store's config counts
    await expect(quotas.reserve(claim())).resolves.toEqual({ ok: true });
    expect(getTeam).toHaveBeenCalledTimes(1);
  });

  it('enforces the monthly cost limit and per-type limits', async () => {
    const { quotas } = await setup({
      dev: { maxMonthlyCost: 250, perType: { 'database.postgresql': { maxDeployments: 1 } } },
    });
    await expect(quotas.reserve(claim())).resolves.toEqual({ ok: true });
    await expect(quotas.reserve(claim())).resolves.toMatchObject({ ok: false, limit: 'maxDeployments', scope: 'database.postgresql' });
    await expect(quotas.reserve(claim({ resourceType: 'cache.redis', monthlyCost: 200 }))).resolves.toMatchObject({
      ok: false,
      limit: 'maxMonthlyCost',
      scope: '*',
      current: 100,
      max: 250,
    });
    await expect(quotas.reserve(claim({ resourceType: 'cache.redis', monthlyCost: 150 }))).resolves.toEqual({ ok: true });
  });

  it('gives a released share back, and has no limits where the config sets none', async () => {
    const { quotas } = await setup({ dev: { maxDeployments: 1 } });
    await quotas.reserve(claim());
    await expect(quotas.reserve(claim())).resolves.toMatchObject({ ok: false });
    await quotas.release(claim());
    await expect(quotas.reserve(claim())).resolves.toEqual({ ok: true });
    for (let i = 0; i < 5; i++) {
      await expect(quotas.reserve(claim({ environment: 'prod' }))).resolves.toEqual({ ok: true });
    }
  });

  it('answers a dry run without taking anything', async () => {
    const { quotas } = await setup({ dev: { maxDeployments: 1, maxMonthlyCost: 150 } });
    await expect(quotas.check(claim())).resolves.toEqual({ ok: true });
    await expect(quotas.check(claim({ monthlyCost: 200 }))).resolves.toMatchObject({ ok: false, limit: 'maxMonthlyCost' });
    await quotas.reserve(claim());
    await expect(quotas.check(claim({ monthlyCost: 0 }))).resolves.toMatchObject({ ok: false, limit: 'maxDeployments', current: 1 });
  });

  it('shows usage against limits per environment and type', async () => {
    const { quotas } = await setup({ dev: { maxDeployments: 5, maxMonthlyCost: 1000 } });
    await quotas.reserve(claim());
    await quotas.reserve(claim({ resourceType: 'cache.redis', monthlyCost: 30 }));
    await expect(quotas.usage('team-a')).resolves.toEqual({
      team: 'team-a',
      items: [
        {
          environment: 'dev',
          limits: { maxDeployments: 5, maxMonthlyCost: 1000 },
          usage: {
            deployments: 2,
            monthlyCost: 130,
            perType: {
              'cache.redis': { deployments: 1, monthlyCost: 30 },
              'database.postgresql': { deployments: 1, monthlyCost: 100 },
            },
          },
        },
        { environment: 'prod', limits: {}, usage: { deployments: 0, monthlyCost: 0, perType: {} } },
      ],
    });
  });
});
