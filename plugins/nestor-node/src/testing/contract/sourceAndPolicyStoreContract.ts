/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { SourceStatus } from '@nestor/plugin-nestor-common';
import { StoredPolicy } from '../../store/types';
import { StoreGetter } from './types';

/** Sync state of sources and the stored policy sets. */
export function describeSourceAndPolicyStoreContract(getStore: StoreGetter) {
  describe('sources', () => {
    const platform: SourceStatus = {
      id: 'platform',
      url: 'https://git.example.com/platform/buffet.git',
      branch: 'main',
      lastCommit: 'c1',
      lastSyncAt: '2025-01-01T10:00:00.000Z',
      status: 'partial',
      message: '1 file failed',
      errors: [
        {
          path: 'items/bad.yaml',
          line: 4,
          message: 'spec.version: must be a semantic version',
        },
      ],
      itemCount: 41,
    };

    it('stores, replaces and lists source statuses by id', async () => {
      const store = getStore();
      expect(await store.sources.getSourceStatus('platform')).toBeUndefined();
      expect(await store.sources.listSourceStatuses()).toEqual([]);

      await store.sources.putSourceStatus(platform);
      await store.sources.putSourceStatus({
        id: 'local',
        url: 'file:///examples',
        status: 'never',
        errors: [],
      });
      expect(await store.sources.getSourceStatus('platform')).toEqual(platform);

      const fixed: SourceStatus = {
        id: 'platform',
        url: platform.url,
        lastCommit: 'c2',
        status: 'ok',
        errors: [],
        itemCount: 42,
      };
      await store.sources.putSourceStatus(fixed);
      expect(await store.sources.getSourceStatus('platform')).toEqual(fixed);
      expect(
        (await store.sources.listSourceStatuses()).map(s => [s.id, s.status]),
      ).toEqual([
        ['local', 'never'],
        ['platform', 'ok'],
      ]);
    });
  });

  describe('policies', () => {
    const globalPolicy: StoredPolicy = {
      scope: 'global',
      path: 'policies/no-prod-large.cedar',
      text: 'forbid (principal, action, resource) when { resource.environment == "prod" };',
    };
    const teamPolicy: StoredPolicy = {
      scope: 'team-payments',
      path: 'policies/team-payments/allow.cedar',
      text: 'permit (principal, action, resource);',
    };

    it('stores a policy set per source and replaces it whole', async () => {
      const store = getStore();
      expect(await store.policies.getPolicySet('platform')).toBeUndefined();
      expect(await store.policies.listPolicySets()).toEqual([]);

      await store.policies.putPolicySet('platform', {
        policies: [globalPolicy, teamPolicy],
        commit: 'c1',
      });
      await store.policies.putPolicySet('alpha-source', {
        policies: [],
        commit: 'a1',
      });
      expect(await store.policies.getPolicySet('platform')).toEqual({
        policies: [globalPolicy, teamPolicy],
        commit: 'c1',
      });

      await store.policies.putPolicySet('platform', {
        policies: [teamPolicy],
        commit: 'c2',
      });
      expect(await store.policies.getPolicySet('platform')).toEqual({
        policies: [teamPolicy],
        commit: 'c2',
      });
      expect(await store.policies.listPolicySets()).toEqual([
        { sourceId: 'alpha-source', policies: [], commit: 'a1' },
        { sourceId: 'platform', policies: [teamPolicy], commit: 'c2' },
      ]);
    });
  });
}
