/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { NESTOR_API_VERSION } from '@nestor/plugin-nestor-common';
import {
  NestorStore,
  QuotaReservation,
  QuotaUsageRow,
  StoredTeam,
} from '../../store/types';
import { StoreGetter } from './types';

function team(id: string, commit = 'c1'): StoredTeam {
  return {
    id,
    config: {
      apiVersion: NESTOR_API_VERSION,
      kind: 'TeamConfig',
      metadata: { name: id, title: `Team ${id}` },
      spec: {
        environments: ['dev', 'prod'],
        quotas: {
          dev: {
            maxDeployments: 20,
            maxMonthlyCost: 2000,
            perType: { 'database.postgresql': { maxDeployments: 2 } },
          },
        },
        gitops: {
          repo: `https://git.example.com/${id}/infra.git`,
          branch: 'main',
          path: 'nestor',
          strategy: 'direct',
        },
        delivery: 'gitops',
        grants: ['team-checkout'],
      },
    },
    source: { id: 'platform', path: `teams/${id}.yaml`, commit },
    updatedAt: '2025-01-01T10:00:00.000Z',
  };
}

function reservation(
  overrides: Partial<QuotaReservation> = {},
): QuotaReservation {
  return {
    team: 'team-payments',
    environment: 'dev',
    resourceType: 'database.postgresql',
    monthlyCost: 100,
    limits: {},
    ...overrides,
  };
}

/** What the reservation helper reserves, as a release. */
const RELEASE = {
  team: 'team-payments',
  environment: 'dev',
  resourceType: 'database.postgresql',
  monthlyCost: 100,
};

/** team-payments' usage rows as [scope, deployments, monthlyCost]. */
async function usageOf(store: NestorStore) {
  return sortUsage(await store.teams.getQuotaUsage('team-payments')).map(r => [
    r.scope,
    r.deployments,
    r.monthlyCost,
  ]);
}

function sortUsage(rows: QuotaUsageRow[]) {
  return [...rows].sort((a, b) =>
    `${a.environment}/${a.scope}`.localeCompare(`${b.environment}/${b.scope}`),
  );
}

/** Team configs and atomic quota reservations. */
export function describeTeamStoreContract(getStore: StoreGetter) {
  describe('teams', () => {
    it('stores, replaces, lists and deletes teams', async () => {
      const store = getStore();
      expect(await store.teams.getTeam('team-payments')).toBeUndefined();
      await store.teams.putTeams([
        team('team-payments'),
        team('team-checkout'),
        team('team-data'),
      ]);
      expect(await store.teams.getTeam('team-payments')).toEqual(
        team('team-payments'),
      );

      const replaced = {
        ...team('team-payments', 'c2'),
        updatedAt: '2025-02-01T00:00:00.000Z',
      };
      replaced.config.spec.grants = [];
      await store.teams.putTeams([replaced]);
      expect(await store.teams.getTeam('team-payments')).toEqual(replaced);
      expect(
        (await store.teams.listTeams()).map(t => [t.id, t.source.commit]),
      ).toEqual([
        ['team-checkout', 'c1'],
        ['team-data', 'c1'],
        ['team-payments', 'c2'],
      ]);

      await store.teams.deleteTeams(['team-data', 'team-unknown']);
      expect((await store.teams.listTeams()).map(t => t.id)).toEqual([
        'team-checkout',
        'team-payments',
      ]);
      expect(await store.teams.getTeam('team-data')).toBeUndefined();
      await store.teams.putTeams([]);
      await store.teams.deleteTeams([]);
      expect(await store.teams.listTeams()).toHaveLength(2);
    });
  });

  describe('teams: quotas', () => {
    it('counts reservations per environment and per type, with no limits set', async () => {
      const store = getStore();
      expect(await store.teams.getQuotaUsage('team-payments')).toEqual([]);
      expect(await store.teams.reserveQuota(reservation())).toEqual({
        ok: true,
      });
      expect(
        await store.teams.reserveQuota(
          reservation({ resourceType: 'cache.redis', monthlyCost: 25.5 }),
        ),
      ).toEqual({ ok: true });
      expect(
        await store.teams.reserveQuota(
          reservation({ environment: 'prod', monthlyCost: 300 }),
        ),
      ).toEqual({ ok: true });
      expect(
        await store.teams.reserveQuota(reservation({ team: 'team-other' })),
      ).toEqual({ ok: true });

      const base = { team: 'team-payments' };
      expect(
        sortUsage(await store.teams.getQuotaUsage('team-payments')),
      ).toEqual([
        {
          ...base,
          environment: 'dev',
          scope: '*',
          deployments: 2,
          monthlyCost: 125.5,
        },
        {
          ...base,
          environment: 'dev',
          scope: 'cache.redis',
          deployments: 1,
          monthlyCost: 25.5,
        },
        {
          ...base,
          environment: 'dev',
          scope: 'database.postgresql',
          deployments: 1,
          monthlyCost: 100,
        },
        {
          ...base,
          environment: 'prod',
          scope: '*',
          deployments: 1,
          monthlyCost: 300,
        },
        {
          ...base,
          environment: 'prod',
          scope: 'database.postgresql',
          deployments: 1,
          monthlyCost: 300,
        },
      ]);
    });

    it('refuses past maxDeployments, names the limit and changes nothing', async () => {
      const store = getStore();
      const limited = reservation({ limits: { maxDeployments: 2 } });
      expect(await store.teams.reserveQuota(limited)).toEqual({ ok: true });
      expect(await store.teams.reserveQuota(limited)).toEqual({ ok: true });
      const before = sortUsage(
        await store.teams.getQuotaUsage('team-payments'),
      );
      expect(await store.teams.reserveQuota(limited)).toEqual({
        ok: false,
        limit: 'maxDeployments',
        scope: '*',
        current: 2,
        max: 2,
      });
      expect(
        sortUsage(await store.teams.getQuotaUsage('team-payments')),
      ).toEqual(before);
      // another environment has its own counters
      expect(
        await store.teams.reserveQuota({ ...limited, environment: 'prod' }),
      ).toEqual({ ok: true });
    });

    it('refuses past maxMonthlyCost but accepts reaching it exactly', async () => {
      const store = getStore();
      const limits = { maxMonthlyCost: 100 };
      expect(
        await store.teams.reserveQuota(
          reservation({ monthlyCost: 60, limits }),
        ),
      ).toEqual({ ok: true });
      expect(
        await store.teams.reserveQuota(
          reservation({ monthlyCost: 50, limits }),
        ),
      ).toEqual({
        ok: false,
        limit: 'maxMonthlyCost',
        scope: '*',
        current: 60,
        max: 100,
      });
      expect(
        await store.teams.reserveQuota(
          reservation({ monthlyCost: 40, limits }),
        ),
      ).toEqual({ ok: true });
      const envRow = (await store.teams.getQuotaUsage('team-payments')).find(
        r => r.scope === '*',
      );
      expect(envRow).toEqual({
        team: 'team-payments',
        environment: 'dev',
        scope: '*',
        deployments: 2,
        monthlyCost: 100,
      });
    });

    it('checks per-type limits and rolls back the environment counter when one is hit', async () => {
      const store = getStore();
      const limits = { maxDeployments: 10, perType: { maxDeployments: 1 } };
      expect(await store.teams.reserveQuota(reservation({ limits }))).toEqual({
        ok: true,
      });
      expect(await store.teams.reserveQuota(reservation({ limits }))).toEqual({
        ok: false,
        limit: 'maxDeployments',
        scope: 'database.postgresql',
        current: 1,
        max: 1,
      });
      const usage = sortUsage(await store.teams.getQuotaUsage('team-payments'));
      expect(usage.map(r => [r.scope, r.deployments, r.monthlyCost])).toEqual([
        ['*', 1, 100],
        ['database.postgresql', 1, 100],
      ]);
      expect(
        await store.teams.reserveQuota(
          reservation({ resourceType: 'cache.redis', limits }),
        ),
      ).toEqual({ ok: true });

      const costly = { perType: { maxMonthlyCost: 150 } };
      expect(
        await store.teams.reserveQuota(
          reservation({
            resourceType: 'queue.sqs',
            monthlyCost: 100,
            limits: costly,
          }),
        ),
      ).toEqual({ ok: true });
      expect(
        await store.teams.reserveQuota(
          reservation({
            resourceType: 'queue.sqs',
            monthlyCost: 100,
            limits: costly,
          }),
        ),
      ).toEqual({
        ok: false,
        limit: 'maxMonthlyCost',
        scope: 'queue.sqs',
        current: 100,
        max: 150,
      });
    });

    it('releases what was reserved, never below zero', async () => {
      const store = getStore();
      const limits = { maxDeployments: 1 };
      expect(await store.teams.reserveQuota(reservation({ limits }))).toEqual({
        ok: true,
      });
      expect((await store.teams.reserveQuota(reservation({ limits }))).ok).toBe(
        false,
      );
      await store.teams.releaseQuota(RELEASE);
      expect(await usageOf(store)).toEqual([
        ['*', 0, 0],
        ['database.postgresql', 0, 0],
      ]);
      expect(await store.teams.reserveQuota(reservation({ limits }))).toEqual({
        ok: true,
      });

      await store.teams.releaseQuota(RELEASE);
      await store.teams.releaseQuota(RELEASE);
      await store.teams.releaseQuota({
        team: 'team-new',
        environment: 'dev',
        resourceType: 'x.y',
        monthlyCost: 5,
      });
      expect(await usageOf(store)).toEqual([
        ['*', 0, 0],
        ['database.postgresql', 0, 0],
      ]);
      expect(
        (await store.teams.getQuotaUsage('team-new')).every(
          r => r.deployments === 0 && r.monthlyCost === 0,
        ),
      ).toBe(true);
    });

    it('grants exactly maxDeployments of 100 concurrent reservations', async () => {
      const store = getStore();
      const limited = reservation({
        monthlyCost: 1,
        limits: { maxDeployments: 10, maxMonthlyCost: 1000 },
      });
      const results = await Promise.all(
        Array.from({ length: 100 }, () => store.teams.reserveQuota(limited)),
      );
      expect(results.filter(r => r.ok)).toHaveLength(10);
      for (const refused of results.filter(r => !r.ok)) {
        expect(refused).toEqual({
          ok: false,
          limit: 'maxDeployments',
          scope: '*',
          current: 10,
          max: 10,
        });
      }
      const envRow = (await store.teams.getQuotaUsage('team-payments')).find(
        r => r.scope === '*',
      );
      expect(envRow?.deployments).toBe(10);
      expect(envRow?.monthlyCost).toBe(10);
    }, 60_000);
  });
}
