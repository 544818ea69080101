import { mockServices } from '@backstage/backend-test-utils';
import { NewNestorEvent } from '@nestor/plugin-nestor-common';
import { DependencyRequest, DependencyService } from './DependencyService';
import { dependencyStore, graphRecord, resourceDefinition, teamConfig } from './__testUtils__/dependencyFixtures';
import { createService, postgres, records, request, svc, teams, vpc } from './__testUtils__/threeTeamWorld';

describe('DependencyService.validate', () => {
  let service: DependencyService;
  beforeAll(async () => {
    service = await createService();
  });
  const validate = (requests: DependencyRequest[], callerTeams: string[] | '*' = '*') =>
    service.validate(requests, { callerTeams });

  it('accepts a valid request and orders it after what it waits for', async () => {
    const result = await validate([request('team-a/dev/api', 'svc', ['team-a/dev/db', 'team-a/dev/queue'])]);
    expect(result).toEqual({ valid: true, errors: [], order: [['team-a/dev/queue'], ['team-a/dev/api']] });
  });

  it('reports MISSING_TARGET', async () => {
    const result = await validate([request('team-a/dev/api', 'svc', ['team-a/dev/nope'])]);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      { code: 'MISSING_TARGET', message: expect.stringContaining('does not exist'), refs: ['team-a/dev/api', 'team-a/dev/nope'] },
    ]);
  });

  it('reports CROSS_TEAM_NOT_GRANTED, whether or not the target exists', async () => {
    const result = await validate([
      request('team-a/dev/api', 'svc', ['team-d/dev/secret', 'team-d/dev/not-there']),
    ]);
    expect(result.errors.map(e => [e.code, e.refs[1]])).toEqual([
      ['CROSS_TEAM_NOT_GRANTED', 'team-d/dev/secret'],
      ['CROSS_TEAM_NOT_GRANTED', 'team-d/dev/not-there'],
    ]);
    expect(result.errors[0].message).toContain('team team-d does not grant team team-a');
  });

  it('does not take the right to order a team\'s item for a grant on its deployments', async () => {
    // team-d's secret-store is visible to team-a, but team-d grants no team
    const result = await validate([request('team-a/dev/vault', 'secret-store', ['team-d/dev/secret'])]);
    expect(result.errors.map(e => e.code)).toEqual(['CROSS_TEAM_NOT_GRANTED']);
  });

  it('reports VERSION_MISMATCH against the range of the resolved definition version', async () => {
    const current = await validate([request('team-a/dev/db2', 'postgres', ['team-platform/dev/vpc-next'])]);
    expect(current.errors).toEqual([
      {
        code: 'VERSION_MISMATCH',
        message:
          'team-a/dev/db2 (postgres) requires network.vpc ">=1.0.0 <2.0.0", but team-platform/dev/vpc-next is vpc@2.1.0',
        refs: ['team-a/dev/db2', 'team-platform/dev/vpc-next'],
      },
    ]);
    // postgres 1.3.0 (from the item's history) accepts any vpc >= 1.0.0
    const older = await validate([request('team-a/dev/db2', 'postgres', ['team-platform/dev/vpc-next'], '~1.3.0')]);
    expect(older).toMatchObject({ valid: true, errors: [] });
  });

  it('reports ENVIRONMENT_MISMATCH unless an environment link allows it', async () => {
    const prod = await validate([request('team-a/dev/db2', 'postgres', ['team-platform/prod/vpc'])]);
    expect(prod.errors.map(e => e.code)).toEqual(['ENVIRONMENT_MISMATCH']);
    expect(prod.errors[0].message).toContain('in environment dev depends on team-platform/prod/vpc in environment prod');
    const shared = await validate([request('team-a/dev/db2', 'postgres', ['team-platform/shared/vpc'])]);
    expect(shared.valid).toBe(true);
  });

  it('reports TARGET_DELETING', async () => {
    const result = await validate([request('team-a/dev/db2', 'postgres', ['team-platform/dev/old-vpc'])]);
    expect(result.errors).toEqual([
      {
        code: 'TARGET_DELETING',
        message: 'team-a/dev/db2 depends on team-platform/dev/old-vpc, which is being deleted',
        refs: ['team-a/dev/db2', 'team-platform/dev/old-vpc'],
      },
    ]);
  });

  it('reports MISSING_REQUIRED_TYPE', async () => {
    const result = await validate([request('team-a/dev/db2', 'postgres', ['team-a/dev/queue'])]);
    expect(result.errors).toEqual([
      {
        code: 'MISSING_REQUIRED_TYPE',
        message: 'team-a/dev/db2 (postgres) requires a network.vpc deployment (">=1.0.0 <2.0.0") in its dependsOn, and has none',
        refs: ['team-a/dev/db2'],
      },
    ]);
  });

  it('reports SELF_DEPENDENCY', async () => {
    const result = await validate([request('team-a/dev/api', 'svc', ['team-a/dev/api'])]);
    expect(result.errors.map(e => e.code)).toEqual(['SELF_DEPENDENCY']);
    expect(result.order).toEqual([]);
  });

  it('reports a cycle across three teams as its full path', async () => {
    // c's z would depend on a's x, which depends on b's y, which depends on z
    const result = await validate([request('team-c/dev/z', 'svc', ['team-a/dev/x'])]);
    expect(result.errors).toEqual([
      {
        code: 'CYCLE',
        message: 'dependency cycle: team-c/dev/z -> team-a/dev/x -> team-b/dev/y -> team-c/dev/z',
        refs: ['team-c/dev/z', 'team-a/dev/x', 'team-b/dev/y', 'team-c/dev/z'],
      },
    ]);
    expect(result.order).toEqual([]);
  });

  it('hides the nodes of teams the caller may not see, even in a cycle path', async () => {
    // team-c sees itself and team-a (which grants it), not team-b
    const result = await validate([request('team-c/dev/z', 'svc', ['team-a/dev/x'])], ['team-c']);
    expect(result.errors[0].refs).toEqual(['team-c/dev/z', 'team-a/dev/x', 'team-b/*', 'team-c/dev/z']);
    expect(result.errors[0].message).not.toContain('team-b/dev/y');
  });

  it('orders a diamond of new requests in three waves', async () => {
    const result = await validate([
      request('team-a/dev/top', 'svc', ['team-a/dev/left', 'team-a/dev/right']),
      request('team-a/dev/left', 'svc', ['team-a/dev/base']),
      request('team-a/dev/right', 'svc', ['team-a/dev/base']),
      request('team-a/dev/base', 'svc', ['team-a/dev/queue']),
    ]);
    expect(result.errors).toEqual([]);
    expect(result.order.map(w => [...w].sort())).toEqual([
      ['team-a/dev/queue'],
      ['team-a/dev/base'],
      ['team-a/dev/left', 'team-a/dev/right'],
      ['team-a/dev/top'],
    ]);
  });

  it('reports every error of a batch at once', async () => {
    const result = await validate([
      request('team-a/dev/db2', 'postgres', [
        'team-a/dev/nope',
        'team-d/dev/secret',
        'team-platform/prod/vpc',
        'team-platform/dev/old-vpc',
      ]),
      request('team-a/dev/loop', 'svc', ['team-a/dev/loop']),
    ]);
    expect(result.errors.map(e => e.code).sort()).toEqual([
      'CROSS_TEAM_NOT_GRANTED',
      'ENVIRONMENT_MISMATCH',
      'MISSING_TARGET',
      'SELF_DEPENDENCY',
      'TARGET_DELETING',
    ]);
  });

  it('reports deployments that a redeployed target would leave out of range', async () => {
    const result = await validate([request('team-platform/dev/vpc', 'vpc', [], '^2.0.0')]);
    expect(result.errors).toEqual([
      {
        code: 'VERSION_MISMATCH',
        message: 'team-a/dev/db (postgres) requires network.vpc ">=1.0.0 <2.0.0", but team-platform/dev/vpc is vpc@2.1.0',
        refs: ['team-a/dev/db', 'team-platform/dev/vpc'],
      },
    ]);
  });

  it('names a consumer the caller may not see only by its team', async () => {
    // team-platform sees only itself: team-a's database is hidden, the ref it wrote is not
    const result = await validate([request('team-platform/dev/vpc', 'vpc', [], '^2.0.0')], ['team-platform']);
    expect(result.errors).toEqual([
      {
        code: 'VERSION_MISMATCH',
        message: 'team-a/* requires network.vpc ">=1.0.0 <2.0.0", but team-platform/dev/vpc is vpc@2.1.0',
        refs: ['team-a/*', 'team-platform/dev/vpc'],
      },
    ]);
  });

  it('refuses unknown items, bad ranges and repeated refs, listing each', async () => {
    const attempt = validate([
      request('team-a/dev/one', 'nothing-like-it'),
      request('team-a/dev/two', 'svc', [], 'abc'),
      request('team-a/dev/two', 'svc'),
    ]);
    await expect(attempt).rejects.toThrow(
      /requests\[0\]\.resource: no buffet item named "nothing-like-it".*requests\[1\]\.version: "abc" is not a valid semver range.*requests\[2\]: team-a\/dev\/two is already requested by requests\[1\]/,
    );
    await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('DependencyService changes and events', () => {
  let events: NewNestorEvent[];
  let service: DependencyService;
  beforeEach(async () => {
    events = [];
    service = await createService({ emit: event => events.push(event) });
  });

  it('emits a violation when a definition upgrade leaves a consumer out of range', () => {
    const errors = service.onDefinitionsChanged([resourceDefinition('vpc', { type: 'network.vpc', version: '2.0.0' })]);
    expect(errors.map(e => [e.code, ...e.refs])).toEqual([['VERSION_MISMATCH', 'team-a/dev/db', 'team-platform/dev/vpc']]);
    expect(errors[0].message).toContain('definition vpc is now 2.0.0: upgrading team-platform/dev/vpc (still 1.2.0)');
    expect(events.map(e => [e.type, e.team, e.ref])).toEqual([
      ['dependency.violation', 'team-a', 'team-a/dev/db'],
      ['dependency.violation', 'team-platform', 'team-a/dev/db'],
    ]);
    expect(events[0].payload).toMatchObject({ code: 'VERSION_MISMATCH', cause: 'definition.changed' });
  });

  it('emits a violation when a consumer definition tightens its requires', () => {
    const stricter = resourceDefinition('postgres', {
      type: 'database.postgresql',
      version: '1.5.0',
      requires: [{ type: 'network.vpc', version: '>=1.5.0' }],
    });
    expect(service.onDefinitionsChanged([stricter]).map(e => e.code)).toEqual(['VERSION_MISMATCH']);
  });

  it('emits MISSING_TARGET for dependents of a removed deployment', () => {
    const errors = service.onDeploymentRemoved('team-c/dev/z');
    expect(errors.map(e => [e.code, ...e.refs])).toEqual([['MISSING_TARGET', 'team-b/dev/y', 'team-c/dev/z']]);
    expect(events.map(e => e.team)).toEqual(['team-b', 'team-c']);
    expect(service.waitingFor('team-b/dev/y')).toEqual(['team-c/dev/z']);
  });

  it('emits CROSS_TEAM_NOT_GRANTED when a team withdraws a grant', () => {
    const errors = service.onTeamsChanged([teamConfig('team-c', [])]);
    expect(errors.map(e => [e.code, ...e.refs])).toEqual([['CROSS_TEAM_NOT_GRANTED', 'team-b/dev/y', 'team-c/dev/z']]);
  });

  it('emits TARGET_DELETING when a needed deployment starts being deleted, and nothing on other phase changes', () => {
    expect(service.onDeploymentChanged(graphRecord('team-c/dev/z', { resource: 'svc@1.0.0:app.service', phase: 'Syncing' }))).toEqual([]);
    const errors = service.onDeploymentChanged(
      graphRecord('team-c/dev/z', { resource: 'svc@1.0.0:app.service', phase: 'Deleting' }),
    );
    expect(errors.map(e => e.code)).toEqual(['TARGET_DELETING']);
    expect(events).toHaveLength(2);
  });

  it('emits VERSION_MISMATCH when a target is redeployed out of its consumers range', () => {
    const errors = service.onDeploymentChanged(
      graphRecord('team-platform/dev/vpc', { resource: 'vpc@2.1.0:network.vpc', phase: 'Rendering' }),
    );
    expect(errors.map(e => [e.code, ...e.refs])).toEqual([['VERSION_MISMATCH', 'team-a/dev/db', 'team-platform/dev/vpc']]);
  });

  it('logs, and does not throw, when emitting fails', async () => {
    const logger = mockServices.logger.mock();
    const failing = await DependencyService.create({
      store: dependencyStore({ records, definitions: [vpc, postgres, svc], teams }),
      logger,
      emit: async () => {
        throw new Error('bus down');
      },
    });
    expect(failing.onDeploymentRemoved('team-c/dev/z')).toHaveLength(1);
    await new Promise(resolve => setImmediate(resolve));
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('dependency.violation'), expect.any(Error));
  });
});
