import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { TestDatabaseId, TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError } from '@backstage/errors';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import express from 'express';
import request from 'supertest';
import { DependencyService } from '../services/dependencies/DependencyService';
import { resourceDefinition } from '../services/dependencies/__testUtils__/dependencyFixtures';
import { postgres, records, secretStore, svc, teams, vpc } from '../services/dependencies/__testUtils__/threeTeamWorld';
import { DatabaseNestorStore } from '../stores/database/DatabaseNestorStore';
import { createDependenciesRoutes } from './dependencies';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/**
 * The three-team world in a real store: definitions synced in two commits
 * (so older versions are in the history), team configs, deployments.
 */
async function seededStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
  const source = (commit: string) => ({ id: 'buffet', url: 'https://git.example.com/buffet.git', path: 'buffet.yaml', commit });
  const sync = (definitions: typeof vpc[], commit: string) =>
    store.catalog.applyChanges({ upserts: definitions.map(definition => ({ definition, source: source(commit) })), deletes: [] }, {});
  await sync(
    [
      resourceDefinition('postgres', { type: 'database.postgresql', version: '1.3.0', requires: [{ type: 'network.vpc', version: '>=1.0.0' }] }),
      resourceDefinition('vpc', { type: 'network.vpc', version: '2.1.0' }),
    ],
    'c1',
  );
  await sync([vpc, postgres, svc, secretStore], 'c2');
  await store.teams.putTeams(
    teams.map(t => ({ ...t, source: { id: 'buffet', path: 'teams.yaml', commit: 'c2' }, updatedAt: new Date().toISOString() })),
  );
  for (const r of records) {
    await store.deployments.create(
      createTestDeployment({
        team: r.team,
        environment: r.environment,
        name: r.ref.split('/')[2],
        resource: r.resource.name,
        resourceType: r.resource.type,
        resourceVersion: r.resource.version,
        phase: r.phase,
        dependsOn: r.dependsOn,
      }),
    );
  }
  return { store, knex };
}

/** The routes behind Backstage's error middleware; the caller's teams come from a test header. */
function createApp(dependencies: DependencyService) {
  const app = express();
  app.use(express.json());
  app.use(
    createDependenciesRoutes({
      dependencies,
      resolveCaller: async req => {
        const header = req.header('x-test-teams');
        if (header === undefined) throw new AuthenticationError('no credentials');
        return { teams: header === '*' ? '*' : header.split(',') };
      },
    }),
  );
  app.use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() }).error());
  return app;
}

const deployment = (ref: string, resource: string, dependsOn: string[] = [], version?: string) => {
  const [team, environment, name] = ref.split('/');
  return { team, environment, name, resource, dependsOn, ...(version ? { version } : {}) };
};

describe.each(databases.eachSupportedId())('dependency routes on %s', databaseId => {
  let app: express.Express;
  let knex: Awaited<ReturnType<typeof seededStore>>['knex'];

  beforeAll(async () => {
    const seeded = await seededStore(databaseId);
    knex = seeded.knex;
    const service = await DependencyService.create({
      store: seeded.store,
      logger: mockServices.logger.mock(),
      environmentLinks: { dev: ['shared'] },
    });
    app = createApp(service);
  }, 60_000);

  afterAll(async () => {
    await knex?.destroy();
  });

  const validate = (requests: unknown[], callerTeams = 'team-a') =>
    request(app).post('/validate-dependencies').set('x-test-teams', callerTeams).send({ requests });

  it.each([
    ['MISSING_TARGET', deployment('team-a/dev/api', 'svc', ['team-a/dev/nope']), ['team-a/dev/api', 'team-a/dev/nope']],
    ['CROSS_TEAM_NOT_GRANTED', deployment('team-a/dev/api', 'svc', ['team-d/dev/secret']), ['team-a/dev/api', 'team-d/dev/secret']],
    ['VERSION_MISMATCH', deployment('team-a/dev/db2', 'postgres', ['team-platform/dev/vpc-next']), ['team-a/dev/db2', 'team-platform/dev/vpc-next']],
    ['ENVIRONMENT_MISMATCH', deployment('team-a/dev/db2', 'postgres', ['team-platform/prod/vpc']), ['team-a/dev/db2', 'team-platform/prod/vpc']],
    ['TARGET_DELETING', deployment('team-a/dev/db2', 'postgres', ['team-platform/dev/old-vpc']), ['team-a/dev/db2', 'team-platform/dev/old-vpc']],
    ['MISSING_REQUIRED_TYPE', deployment('team-a/dev/db2', 'postgres', []), ['team-a/dev/db2']],
    ['SELF_DEPENDENCY', deployment('team-a/dev/api', 'svc', ['team-a/dev/api']), ['team-a/dev/api']],
  ])('answers %s with its refs', async (code, body, refs) => {
    const response = await validate([body]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: false, errors: [{ code, refs, message: expect.any(String) }] });
    expect(response.body.errors).toHaveLength(1);
  });

  it('does not take the right to order another team\'s item for a grant on its deployments', async () => {
    const response = await validate([deployment('team-a/dev/vault', 'secret-store', ['team-d/dev/secret'])]);
    expect(response.body.errors.map((e: { code: string }) => e.code)).toEqual(['CROSS_TEAM_NOT_GRANTED']);
  });

  it('answers a cycle across three teams with its full path, hiding a team the caller may not see', async () => {
    const all = await validate([deployment('team-c/dev/z', 'svc', ['team-a/dev/x'])], '*');
    expect(all.body.errors).toEqual([
      {
        code: 'CYCLE',
        message: 'dependency cycle: team-c/dev/z -> team-a/dev/x -> team-b/dev/y -> team-c/dev/z',
        refs: ['team-c/dev/z', 'team-a/dev/x', 'team-b/dev/y', 'team-c/dev/z'],
      },
    ]);
    const teamC = await validate([deployment('team-c/dev/z', 'svc', ['team-a/dev/x'])], 'team-c');
    expect(teamC.body.errors[0].refs).toEqual(['team-c/dev/z', 'team-a/dev/x', 'team-b/*', 'team-c/dev/z']);
  });

  it('orders a diamond in waves and accepts what an older version or an environment link allows', async () => {
    const response = await validate([
      deployment('team-a/dev/top', 'svc', ['team-a/dev/left', 'team-a/dev/right']),
      deployment('team-a/dev/left', 'svc', ['team-a/dev/base']),
      deployment('team-a/dev/right', 'svc', ['team-a/dev/base']),
      deployment('team-a/dev/base', 'postgres', ['team-platform/shared/vpc']),
      deployment('team-a/dev/old', 'postgres', ['team-platform/dev/vpc-next'], '1.3.0'),
    ]);
    expect(response.body.errors).toEqual([]);
    expect(response.body.valid).toBe(true);
    expect(response.body.order.map((w: string[]) => [...w].sort())).toEqual([
      ['team-a/dev/base', 'team-a/dev/old'],
      ['team-a/dev/left', 'team-a/dev/right'],
      ['team-a/dev/top'],
    ]);
  });

  it('lists every failing field of a bad body in one 400', async () => {
    const response = await validate([
      { team: 'team-a', environment: 'dev', name: 'Bad_Name', resource: 'svc', version: '^^1', dependsOn: ['nope'] },
      deployment('team-a/dev/api', 'svc'),
      deployment('team-a/dev/api', 'svc'),
    ]);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    const message: string = response.body.error.message;
    for (const field of ['requests.0.name', 'requests.0.dependsOn.0', 'requests.2: team-a/dev/api is already requested by requests.1']) {
      expect(message).toContain(field);
    }
  });

  it('answers 400 for an unknown item and an unsatisfiable version, 403 for another team, 401 without credentials', async () => {
    const unknown = await validate([deployment('team-a/dev/api', 'nothing'), deployment('team-a/dev/b', 'svc', [], '^9.0.0')]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/requests\[0\]\.resource: .*requests\[1\]\.version: no version of "svc" satisfies "\^9\.0\.0"/);
    const foreign = await validate([deployment('team-b/dev/api', 'svc')]);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain('team-b');
    const anonymous = await request(app).post('/validate-dependencies').send({ requests: [] });
    expect(anonymous.status).toBe(401);
  });

  it('lists edges filtered by team and by what the caller may see', async () => {
    const all = await request(app).get('/dependencies?team=team-b').set('x-test-teams', '*');
    expect(all.body.items).toEqual([
      { from: 'team-a/dev/x', to: 'team-b/dev/y', crossTeam: true },
      { from: 'team-b/dev/y', to: 'team-c/dev/z', crossTeam: true },
    ]);
    const teamB = await request(app).get('/dependencies?team=team-b').set('x-test-teams', 'team-b');
    expect(teamB.body.items).toEqual([{ from: 'team-b/dev/y', to: 'team-c/dev/z', crossTeam: true }]);
    const bad = await request(app).get('/dependencies?team=Team_B&extra=1').set('x-test-teams', '*');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/team: .*\(root\): unknown field\(s\): extra/);
  });

  it('serves the graph as JSON, Graphviz DOT and Mermaid, hiding what the caller may not see', async () => {
    const json = await request(app).get('/dependencies/graph?root=team-b/dev/y').set('x-test-teams', 'team-a');
    expect(json.body.nodes).toContainEqual({ ref: 'team-c/dev/z', team: 'team-c', environment: 'dev', visible: false });
    expect(json.body.edges).toHaveLength(2);
    const dot = await request(app).get('/dependencies/graph?root=team-b/dev/y&format=dot').set('x-test-teams', 'team-a');
    expect(dot.headers['content-type']).toContain('text/vnd.graphviz');
    expect(dot.text).toContain('"team-a/dev/x" -> "team-b/dev/y" [style=bold];');
    expect(dot.text).toContain('"team-c/dev/z" [label="team-c/dev/z", style=dashed];');
    const mermaid = await request(app).get('/dependencies/graph?team=team-a&format=mermaid').set('x-test-teams', 'team-a');
    expect(mermaid.text.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.text).toContain('-.->');
    const bad = await request(app).get('/dependencies/graph?format=svg&root=x').set('x-test-teams', '*');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/root: .*format: /);
    const hidden = await request(app).get('/dependencies/graph?root=team-d/dev/secret').set('x-test-teams', 'team-a');
    expect(hidden.status).toBe(404);
  });

  it('answers impact with every dependent, its path and team, and 404 for what the caller may not see', async () => {
    const impact = await request(app).get('/dependencies/impact?ref=team-c/dev/z').set('x-test-teams', 'team-c');
    expect(impact.status).toBe(200);
    expect(impact.body).toEqual({
      ref: 'team-c/dev/z',
      dependents: [{ ref: 'team-a/dev/x', team: 'team-a', depth: 2, path: ['team-a/dev/x', 'team-b/*', 'team-c/dev/z'] }],
      teams: ['team-a', 'team-b'],
      hidden: 1,
    });
    const missing = await request(app).get('/dependencies/impact').set('x-test-teams', '*');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('ref: ');
    const secret = await request(app).get('/dependencies/impact?ref=team-d/dev/secret').set('x-test-teams', 'team-a');
    expect(secret.status).toBe(404);
  });
});
