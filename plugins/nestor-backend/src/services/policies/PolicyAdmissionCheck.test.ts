import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NewNestorEvent, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { Caller } from '../caller/CallerResolver';
import { CedarPolicyEngine } from './CedarPolicyEngine';
import { loadCedarSchema } from './loadCedarSchema';
import { PolicyAdmissionCheck, policySubjectOf } from './PolicyAdmissionCheck';

const definition = {
  metadata: { name: 'postgres-database', owner: 'team-platform' },
  spec: { type: 'database.postgresql', version: '1.4.0', engine: 'crossplane', cost: { monthly: 1200, currency: 'USD' } },
} as ResourceDefinition;

const POLICIES = [
  {
    scope: 'global',
    path: 'policies/base.cedar',
    text: [
      '@id("budget") @message("more than 1000 a month needs a budget owner")',
      'forbid(principal, action == Nestor::Action::"deploy", resource) when { resource.monthlyCost > 1000 && !principal.isService };',
      '@id("members") forbid(principal, action, resource) unless { principal in resource.ownerTeam };',
    ].join('\n'),
  },
];

function setup() {
  const published: NewNestorEvent[] = [];
  const engine = CedarPolicyEngine.create({
    store: {
      getPolicySet: async () => undefined,
      listPolicySets: async () => [{ sourceId: 'platform', commit: 'c1', policies: POLICIES }],
      putPolicySet: async () => {},
    },
    schema: loadCedarSchema(),
    logger: mockServices.logger.mock(),
  });
  const check = PolicyAdmissionCheck.create({
    engine,
    events: {
      publish: async events => {
        published.push(...events);
        return [];
      },
    },
    allTeams: async () => ['team-a', 'team-b'],
  });
  return { check, published };
}

const request = { team: 'team-a', environment: 'dev', name: 'db', parameters: { size: 'small' } };
const subject = policySubjectOf(request, definition, 'team-a/dev/db');
const alice: Caller = { kind: 'user', principal: 'user:default/alice', credentials: mockCredentials.user('user:default/alice'), teams: ['team-a'] };

describe('PolicyAdmissionCheck', () => {
  it('refuses naming each determining policy and emits policy.violation', async () => {
    const { check, published } = setup();
    const outsider = { ...alice, teams: ['team-b'] };
    await expect(check.check({ caller: outsider, action: 'deploy', subject })).resolves.toEqual({
      check: 'policy',
      allowed: false,
      reasons: [
        { code: 'POLICY_FORBIDS', policyId: 'budget', message: 'budget: more than 1000 a month needs a budget owner' },
        { code: 'POLICY_FORBIDS', policyId: 'members', message: 'members: forbidden by policy members' },
      ],
    });
    expect(published).toEqual([
      {
        type: 'policy.violation',
        team: 'team-a',
        ref: 'team-a/dev/db',
        payload: expect.objectContaining({ action: 'deploy', principal: 'user:default/alice', policies: [expect.objectContaining({ id: 'budget' }), expect.objectContaining({ id: 'members' })] }),
      },
    ]);
  });

  it('emits nothing on a dry run', async () => {
    const { check, published } = setup();
    await expect(check.check({ caller: alice, action: 'deploy', subject, dryRun: true })).resolves.toMatchObject({ allowed: false });
    expect(published).toEqual([]);
  });

  it('makes a service principal that acts for every team a member of each', async () => {
    const { check } = setup();
    const processor: Caller = { kind: 'service', principal: 'billing', credentials: mockCredentials.service('billing'), teams: '*' };
    await expect(check.check({ caller: processor, action: 'deploy', subject })).resolves.toEqual({ check: 'policy', allowed: true, reasons: [] });
    await expect(check.check({ caller: alice, action: 'update', subject })).resolves.toMatchObject({ allowed: true });
  });
});
