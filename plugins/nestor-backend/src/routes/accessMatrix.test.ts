/*
 * The API access matrix: every endpoint, called as an admin, a member of the
 * owning team, a member of another team, a service token and an
 * unauthenticated caller, with the status each must get.
 *
 * It runs the real Nestor plugin with the real permission backend and the
 * Nestor permission policy module in `startTestBackend`, Backstage's real
 * `httpAuth` (so a request without credentials is unauthenticated, not the
 * mock default user) and the store on a real database.
 *
 * Endpoints covered: GET /health, GET /engines, GET /events, GET /teams,
 * GET /teams/{id}/quotas, POST /teams/{id}/validate.
 */
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import { actorAwareMockAuthServiceFactory, ownershipUserInfoServiceFactory, knexDatabaseServiceFactory } from '@nestor/test-utils';
import permissionModuleNestorPolicy from '@nestor/plugin-permission-backend-module-nestor';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import { DatabaseNestorStore } from '../stores/database/DatabaseNestorStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const OWNERSHIP: Record<string, string[]> = {
  'user:default/root': ['user:default/root', 'group:default/platform-admins'],
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
};

type CallerName = 'admin' | 'member' | 'otherTeam' | 'service' | 'unauthenticated';

const HEADERS: Record<CallerName, string | undefined> = {
  admin: mockCredentials.user.header('user:default/root'),
  member: mockCredentials.user.header('user:default/alice'),
  otherTeam: mockCredentials.user.header('user:default/bob'),
  service: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('billing-processor'),
    targetPluginId: 'nestor',
  }),
  unauthenticated: undefined,
};

const VALID_REQUEST = { environment: 'dev', name: 'orders-db', resource: 'postgres-database', parameters: { size: 'small' } };

interface Row {
  endpoint: string;
  call(server: http.Server, header: string | undefined): Promise<{ status: number; body?: any }>;
  expected: Record<CallerName, number>;
  /** what the body must show, where the status alone says too little */
  check?: Partial<Record<CallerName, (body: any) => void>>;
}

function withAuth(req: request.Test, header: string | undefined) {
  return header ? req.set('Authorization', header) : req;
}

/** An SSE stream stays open: read the status line, then hang up. */
function streamStatus(server: http.Server, path: string, header: string | undefined): Promise<{ status: number }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: header ? { authorization: header } : {} }, res => {
      resolve({ status: res.statusCode ?? 0 });
      req.destroy();
    });
    req.on('error', error => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

const ROWS: Row[] = [
  {
    endpoint: 'GET /health',
    call: (s, h) => withAuth(request(s).get('/api/nestor/health'), h),
    expected: { admin: 200, member: 200, otherTeam: 200, service: 200, unauthenticated: 200 },
  },
  {
    endpoint: 'GET /engines',
    call: (s, h) => withAuth(request(s).get('/api/nestor/engines'), h),
    expected: { admin: 200, member: 200, otherTeam: 200, service: 200, unauthenticated: 401 },
  },
  {
    endpoint: 'GET /events?team=team-a',
    call: (s, h) => streamStatus(s, '/api/nestor/events?team=team-a', h),
    expected: { admin: 200, member: 200, otherTeam: 403, service: 200, unauthenticated: 401 },
  },
  {
    endpoint: 'GET /teams',
    call: (s, h) => withAuth(request(s).get('/api/nestor/teams'), h),
    expected: { admin: 200, member: 200, otherTeam: 200, service: 200, unauthenticated: 401 },
    check: {
      /* eslint-disable jest/no-standalone-expect -- body checks run inside the matrix tests */
      admin: body => {
        const a = body.items.find((t: any) => t.id === 'team-a');
        expect(a.permissions).toMatchObject({ member: false, read: true, deploy: true, environments: { prod: { deploy: true } } });
        expect(a.config.spec.quotas.dev.maxDeployments).toBe(5);
      },
      member: body => {
        const [a, b] = body.items;
        expect(a).toMatchObject({ id: 'team-a', title: 'Team A', permissions: { member: true, read: true, deploy: true } });
        expect(a.permissions.environments.prod).toEqual({ read: true, deploy: false, update: false, destroy: false });
        expect(b).toMatchObject({ id: 'team-b', permissions: { member: false, read: false, deploy: false } });
        expect(b.config).toBeUndefined();
      },
      otherTeam: body => {
        expect(body.items.map((t: any) => [t.id, t.permissions.read])).toEqual([
          ['team-a', false],
          ['team-b', true],
        ]);
      },
      service: body => {
        expect(body.items.map((t: any) => [t.id, t.permissions.member, t.permissions.read])).toEqual([
          ['team-a', true, true],
          ['team-b', false, false],
        ]);
      },
    },
  },
  {
    endpoint: 'GET /teams/team-a/quotas',
    call: (s, h) => withAuth(request(s).get('/api/nestor/teams/team-a/quotas'), h),
    expected: { admin: 200, member: 200, otherTeam: 403, service: 200, unauthenticated: 401 },
    check: {
      member: body =>
        expect(body.items[0]).toEqual({
          environment: 'dev',
          limits: { maxDeployments: 5, maxMonthlyCost: 1000 },
          usage: { deployments: 0, monthlyCost: 0, perType: {} },
        }),
    },
  },
  {
    endpoint: 'POST /teams/team-a/validate',
    call: (s, h) => withAuth(request(s).post('/api/nestor/teams/team-a/validate').send(VALID_REQUEST), h),
    expected: { admin: 200, member: 200, otherTeam: 200, service: 200, unauthenticated: 401 },
    check: {
      // Cedar policies bind admins too: the global members-only forbid refuses
      admin: body => {
        expect(body.allowed).toBe(false);
        expect(body.checks.filter((c: any) => !c.allowed).map((c: any) => c.check)).toEqual(['policy']);
      },
      member: body => expect(body).toMatchObject({ allowed: true, checks: expect.arrayContaining([{ check: 'policy', allowed: true, reasons: [] }]) }),
      otherTeam: body => {
        expect(body.allowed).toBe(false);
        expect(body.checks.filter((c: any) => !c.allowed).map((c: any) => c.check)).toEqual(['permission', 'policy']);
      },
      service: body => expect(body.allowed).toBe(true),
    },
  },
];

describe('API access matrix', () => {
  let server: http.Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    const team = (id: string, quotas = {}) => ({
      id,
      config: {
        apiVersion: 'nestor.io/v1alpha1' as const,
        kind: 'TeamConfig' as const,
        metadata: { name: id },
        spec: { environments: ['dev', 'prod'], quotas, grants: [], delivery: 'gitops' as const },
      },
      source: { id: 'platform', path: `teams/${id}.yaml`, commit: 'c1' },
      updatedAt: '2024-01-01T00:00:00Z',
    });
    await store.teams.putTeams([team('team-a', { dev: { maxDeployments: 5, maxMonthlyCost: 1000 } }), team('team-b')]);
    await store.catalog.applyChanges(
      {
        upserts: [
          {
            definition: {
              apiVersion: 'nestor.io/v1alpha1',
              kind: 'ResourceDefinition',
              metadata: { name: 'postgres-database', owner: 'team-platform', tags: [] },
              spec: {
                type: 'database.postgresql',
                version: '1.4.0',
                engine: 'helm',
                parameters: { type: 'object', properties: { size: { type: 'string', enum: ['small', 'large'] } } },
                outputs: [],
                requires: [],
                visibility: { public: true },
                environments: ['dev', 'prod'],
                cost: { monthly: 100, currency: 'USD' },
                helm: { repo: 'https://charts.example.com', chart: 'postgresql', version: '1.0.0' },
              },
            },
            source: { id: 'platform', url: 'file:///buffet', path: 'db.yaml', commit: 'c1' },
          },
        ],
        deletes: [],
      },
      {},
    );
    await store.policies.putPolicySet('platform', {
      commit: 'c1',
      policies: [
        {
          scope: 'global',
          path: 'policies/members.cedar',
          text: '@id("members-only")\n@message("only the team orders for itself")\nforbid(principal, action, resource) unless { principal in resource.ownerTeam };',
        },
      ],
    });

    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        permissionBackend,
        permissionModuleNestorPolicy,
        actorAwareMockAuthServiceFactory,
        httpAuthServiceFactory,
        ownershipUserInfoServiceFactory(OWNERSHIP),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'team-a', namespace: 'default' },
              spec: { type: 'team', children: [], profile: { displayName: 'Team A' } },
            },
          ],
        }),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({
          data: {
            permission: {
              enabled: true,
              nestor: { admins: ['platform-admins'], environments: [{ environments: ['prod'], allow: ['sre'] }] },
            },
            nestor: { serviceAccess: [{ subject: 'billing-processor', teams: ['team-a'] }] },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  const cases = ROWS.flatMap(row =>
    (Object.keys(row.expected) as CallerName[]).map(caller => [row.endpoint, caller, row.expected[caller], row] as const),
  );

  it.each(cases)('%s as %s → %i', async (_endpoint, caller, status, row) => {
    const res = await row.call(server, HEADERS[caller]);
    expect(res.status).toBe(status);
    row.check?.[caller]?.(res.body);
  });

  it('names the unknown team with 404 and a bad team id with 400', async () => {
    const unknown = await request(server).get('/api/nestor/teams/team-z/quotas').set('Authorization', HEADERS.admin!);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('No team "team-z"');
    const bad = await request(server).get('/api/nestor/teams/Team_A/quotas').set('Authorization', HEADERS.admin!);
    expect(bad.status).toBe(400);
  });

  it('reports every failing check of a dry run, with the fields and policies that failed', async () => {
    const res = await request(server)
      .post('/api/nestor/teams/team-a/validate')
      .set('Authorization', HEADERS.otherTeam!)
      .send({ ...VALID_REQUEST, environment: 'prod', parameters: { size: 'huge' } });
    expect(res.status).toBe(200);
    const failing = Object.fromEntries(res.body.checks.filter((c: any) => !c.allowed).map((c: any) => [c.check, c.reasons]));
    expect(failing.schema).toEqual([expect.objectContaining({ field: 'parameters.size', code: 'INVALID_PARAMETER' })]);
    expect(failing.permission[0].message).toContain('may not deploy for team "team-a" in environment "prod"');
    expect(failing.policy).toEqual([
      { code: 'POLICY_FORBIDS', policyId: 'members-only', message: 'members-only: only the team orders for itself' },
    ]);
  });

  it('refuses a validate body that names another team, and a malformed one, with 400', async () => {
    const other = await request(server)
      .post('/api/nestor/teams/team-a/validate')
      .set('Authorization', HEADERS.member!)
      .send({ ...VALID_REQUEST, team: 'team-b' });
    expect(other.status).toBe(400);
    const malformed = await request(server)
      .post('/api/nestor/teams/team-a/validate')
      .set('Authorization', HEADERS.member!)
      .send({ environment: 'dev' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/name: .*resource: /);
  });
});
