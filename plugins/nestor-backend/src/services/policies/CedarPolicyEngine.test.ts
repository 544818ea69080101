import { mockServices } from '@backstage/backend-test-utils';
import { PolicyStore, StoredPolicy } from '@nestor/plugin-nestor-node';
import { CedarPolicyEngine } from './CedarPolicyEngine';
import { createCedarPolicySetValidator } from './createCedarPolicySetValidator';
import { loadCedarSchema } from './loadCedarSchema';
import { PolicyRequest } from './types';

const schema = loadCedarSchema();

/** The policy half of a store: a map of sets, as both stores keep them. */
function memoryPolicyStore(): PolicyStore {
  const sets = new Map<string, { policies: StoredPolicy[]; commit: string }>();
  return {
    async getPolicySet(id) {
      return sets.get(id);
    },
    async listPolicySets() {
      return [...sets].map(([sourceId, s]) => ({ sourceId, ...s }));
    },
    async putPolicySet(id, set) {
      sets.set(id, set);
    },
  };
}

function request(overrides: { team?: string; environment?: string; teams?: string[]; parameters?: Record<string, unknown>; action?: PolicyRequest['action'] } = {}): PolicyRequest {
  const team = overrides.team ?? 'team-a';
  const environment = overrides.environment ?? 'dev';
  return {
    action: overrides.action ?? 'deploy',
    principal: { id: 'user:default/alice', isService: false, teams: overrides.teams ?? [team] },
    deployment: {
      ref: `${team}/${environment}/db`,
      name: 'db',
      team,
      environment,
      resourceName: 'postgres-database',
      resourceVersion: '1.4.0',
      resourceType: 'database.postgresql',
      engine: 'crossplane',
      monthlyCost: 120.5,
      parameters: overrides.parameters ?? { size: 'small', replicas: 2 },
    },
  };
}

const GLOBAL_NO_PROD_DB = `
@id("no-prod-databases")
@message("databases in prod are ordered through the DBA team")
forbid(principal, action == Nestor::Action::"deploy", resource)
  when { resource.environment == "prod" && resource.resourceType == "database.postgresql" };
`;

async function engineWith(sets: Record<string, StoredPolicy[]>) {
  const store = memoryPolicyStore();
  for (const [id, policies] of Object.entries(sets)) await store.putPolicySet(id, { policies, commit: 'c1' });
  const engine = CedarPolicyEngine.create({ store, schema, logger: mockServices.logger.mock(), refreshMs: 0 });
  return { store, engine };
}

describe('CedarPolicyEngine', () => {
  it('allows everything when there are no policies', async () => {
    const { engine } = await engineWith({});
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toEqual({ allowed: true, determining: [] });
  });

  it('lets a global forbid beat a team permit, naming the policy and its message', async () => {
    const { engine } = await engineWith({
      platform: [
        { scope: 'global', path: 'policies/base.cedar', text: GLOBAL_NO_PROD_DB },
        { scope: 'team-a', path: 'policies/team-a/all.cedar', text: '@id("team-a-anything")\npermit(principal, action, resource);' },
      ],
    });
    const verdict = await engine.evaluate(request({ environment: 'prod' }));
    expect(verdict).toEqual({
      allowed: false,
      determining: [
        {
          id: 'no-prod-databases',
          scope: 'global',
          message: 'databases in prod are ordered through the DBA team',
          path: 'policies/base.cedar',
          line: 2,
        },
      ],
    });
    await expect(engine.evaluate(request({ environment: 'dev' }))).resolves.toMatchObject({ allowed: true });
  });

  it('does not let a team permit lift what global permits leave out', async () => {
    const { engine } = await engineWith({
      platform: [
        { scope: 'global', path: 'g.cedar', text: 'permit(principal, action, resource) when { resource.environment != "prod" };' },
        { scope: 'team-a', path: 'team-a/p.cedar', text: 'permit(principal, action, resource) when { resource.environment == "prod" };' },
      ],
    });
    const verdict = await engine.evaluate(request({ environment: 'prod' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.determining.map(d => d.id)).toEqual(['nestor:no-permit:global']);
  });

  it('applies a team restriction to that team only', async () => {
    const { engine } = await engineWith({
      platform: [
        {
          scope: 'team-a',
          path: 'policies/team-a/size.cedar',
          text: '@id("team-a-small-only")\n@message("team-a orders small databases")\nforbid(principal, action, resource) when { resource.parameters has size && resource.parameters.size != "small" };',
        },
      ],
    });
    const large = { parameters: { size: 'large' } };
    await expect(engine.evaluate(request({ team: 'team-a', ...large }))).resolves.toMatchObject({
      allowed: false,
      determining: [{ id: 'team-a-small-only', scope: 'team-a', message: 'team-a orders small databases' }],
    });
    await expect(engine.evaluate(request({ team: 'team-b', ...large }))).resolves.toMatchObject({ allowed: true });
  });

  it('exposes team membership, parameters, cost and the action', async () => {
    const { engine } = await engineWith({
      s: [
        {
          scope: 'global',
          path: 'g.cedar',
          text: [
            '@id("members-only") forbid(principal, action, resource) unless { principal in resource.ownerTeam };',
            '@id("max-replicas") forbid(principal, action, resource) when { resource.parameters has replicas && resource.parameters.replicas > 5 };',
            '@id("budget") forbid(principal, action == Nestor::Action::"deploy", resource) when { resource.monthlyCost > 1000 };',
            '@id("no-destroy-prod") forbid(principal, action == Nestor::Action::"destroy", resource) when { resource.environment == "prod" };',
          ].join('\n'),
        },
      ],
    });
    await expect(engine.evaluate(request())).resolves.toMatchObject({ allowed: true });
    const outsider = await engine.evaluate(request({ teams: ['team-b'], parameters: { replicas: 9 } }));
    expect(outsider.determining.map(d => d.id)).toEqual(['members-only', 'max-replicas']);
    await expect(engine.evaluate(request({ environment: 'prod', action: 'destroy' }))).resolves.toMatchObject({
      determining: [{ id: 'no-destroy-prod' }],
    });
    await expect(engine.evaluate(request({ environment: 'prod', action: 'update' }))).resolves.toMatchObject({ allowed: true });
  });

  it('refuses when a forbid fails to evaluate (a parameter of an unexpected type)', async () => {
    const { engine } = await engineWith({
      s: [
        {
          scope: 'global',
          path: 'g.cedar',
          text: '@id("replicas") @message("at most 5 replicas")\nforbid(principal, action, resource) when { resource.parameters has replicas && resource.parameters.replicas > 5 };',
        },
      ],
    });
    await expect(engine.evaluate(request({ parameters: { replicas: 'many' } }))).resolves.toMatchObject({
      allowed: false,
      determining: [{ id: 'replicas', message: 'at most 5 replicas' }],
    });
    await expect(engine.evaluate(request({ parameters: { replicas: 3, ratio: 0.5, tags: ['a', null], nested: { on: true } } }))).resolves.toMatchObject({
      allowed: true,
    });
  });

  it('keeps the previous set in force when a broken file arrives, and reports it with its line', async () => {
    const { store, engine } = await engineWith({ platform: [{ scope: 'global', path: 'policies/base.cedar', text: GLOBAL_NO_PROD_DB }] });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({ allowed: false });

    // the sync path: the validator refuses the new files, so nothing is stored
    const broken = [{ scope: 'global', path: 'policies/base.cedar', text: 'permit(principal, action, resource);\nforbid(principal, action resource);' }];
    const validate = createCedarPolicySetValidator({ schema });
    await expect(validate(broken)).resolves.toEqual({
      ok: false,
      errors: [{ path: 'policies/base.cedar', line: 2, message: expect.stringContaining('unexpected token') }],
    });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({
      allowed: false,
      determining: [{ id: 'no-prod-databases' }],
    });

    // a stored set that no longer compiles (e.g. after a schema change) is not taken either
    await store.putPolicySet('platform', { policies: broken, commit: 'c2' });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({
      allowed: false,
      determining: [{ id: 'no-prod-databases' }],
    });

    // a valid set replaces it
    await store.putPolicySet('platform', { policies: [], commit: 'c3' });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({ allowed: true });
  });

  it('refuses everything when the only stored set does not compile', async () => {
    const { engine } = await engineWith({ platform: [{ scope: 'global', path: 'bad.cedar', text: 'forbid(' }] });
    const verdict = await engine.evaluate(request());
    expect(verdict.allowed).toBe(false);
    expect(verdict.determining[0]).toMatchObject({ id: 'nestor:invalid-policy-set', message: expect.stringContaining('bad.cedar:1') });
  });

  it('re-reads the store only after refreshMs, unless invalidated', async () => {
    const store = memoryPolicyStore();
    const engine = CedarPolicyEngine.create({ store, schema, logger: mockServices.logger.mock(), refreshMs: 60_000 });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({ allowed: true });
    await store.putPolicySet('platform', { policies: [{ scope: 'global', path: 'g.cedar', text: GLOBAL_NO_PROD_DB }], commit: 'c1' });
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({ allowed: true });
    engine.invalidate();
    await expect(engine.evaluate(request({ environment: 'prod' }))).resolves.toMatchObject({ allowed: false });
  });
});
