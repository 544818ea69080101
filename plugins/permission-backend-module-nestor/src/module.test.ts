import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import permissionBackend from '@backstage/plugin-permission-backend';
import { nestorPermissions } from '@nestor/plugin-nestor-common';
import { nestorCatalogItemResourceRef, nestorDeploymentResourceRef, nestorCatalogItemRules, nestorDeploymentRules } from '@nestor/plugin-nestor-backend';
import express from 'express';
import Router from 'express-promise-router';
import { actorAwareMockAuthServiceFactory, ownershipUserInfoServiceFactory } from '@nestor/test-utils';
import request from 'supertest';
import { permissionModuleNestorPolicy } from './module';

const OWNERSHIP: Record<string, string[]> = {
  'user:default/root': ['user:default/root', 'group:default/platform-admins'],
  'user:default/alice': ['user:default/alice', 'group:default/team-a'],
  'user:default/sam': ['user:default/sam', 'group:default/team-a', 'group:default/sre'],
  'user:default/bob': ['user:default/bob', 'group:default/team-b'],
};

const DEPLOYMENTS = [
  { id: 'a-dev', team: 'team-a', environment: 'dev' },
  { id: 'a-prod', team: 'team-a', environment: 'prod' },
  { id: 'b-dev', team: 'team-b', environment: 'dev' },
];

/**
 * Stands in for the Nestor plugin: registers Nestor's real resource types and
 * rules, and answers `POST /check` with what the real permission backend
 * decides for the caller.
 */
const probePlugin = createBackendPlugin({
  pluginId: 'nestor',
  register(env) {
    env.registerInit({
      deps: {
        registry: coreServices.permissionsRegistry,
        permissions: coreServices.permissions,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ registry, permissions, httpRouter, httpAuth }) {
        registry.addResourceType({
          resourceRef: nestorDeploymentResourceRef,
          rules: Object.values(nestorDeploymentRules),
          getResources: async ids => ids.map(id => DEPLOYMENTS.find(d => d.id === id)),
        });
        registry.addResourceType({ resourceRef: nestorCatalogItemResourceRef, rules: Object.values(nestorCatalogItemRules) });
        const router = Router();
        router.use(express.json());
        router.post('/check', async (req, res) => {
          const credentials = await httpAuth.credentials(req);
          const permission =
            nestorPermissions.find(p => p.name === req.body.permission) ??
            { type: 'basic' as const, name: req.body.permission, attributes: {} };
          if (req.body.resourceRef) {
            const [d] = await permissions.authorize([{ permission: permission as any, resourceRef: req.body.resourceRef }], { credentials });
            res.json(d);
          } else {
            const [d] = await permissions.authorizeConditional([{ permission: permission as any }], { credentials });
            res.json(d);
          }
        });
        httpRouter.use(router);
      },
    });
  },
});

describe('permissionModuleNestorPolicy with the real permission backend', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        permissionBackend,
        permissionModuleNestorPolicy,
        probePlugin,
        ownershipUserInfoServiceFactory(OWNERSHIP),
        actorAwareMockAuthServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            permission: {
              enabled: true,
              nestor: {
                admins: ['platform-admins'],
                environments: [{ environments: ['prod'], allow: ['group:default/sre'] }],
                fallback: 'deny',
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(() => stop());

  const check = (user: string, permission: string, resourceRef?: string) =>
    request(server)
      .post('/api/nestor/check')
      .set('Authorization', mockCredentials.user.header(user))
      .send({ permission, resourceRef });

  it('allows admins every Nestor permission', async () => {
    for (const p of ['nestor.deployment.create', 'nestor.catalog.sync', 'nestor.deployment.force-delete']) {
      const res = await check('user:default/root', p);
      expect(res.body.result).toBe(AuthorizeResult.ALLOW);
    }
    await expect(check('user:default/root', 'nestor.deployment.delete', 'b-dev')).resolves.toMatchObject({
      body: { result: AuthorizeResult.ALLOW },
    });
  });

  it('answers a member with team conditions that Nestor applies', async () => {
    const res = await check('user:default/alice', 'nestor.deployment.read');
    expect(res.body).toEqual({
      id: expect.any(String),
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'nestor',
      resourceType: 'nestor-deployment',
      conditions: { rule: 'IS_TEAM_MEMBER', resourceType: 'nestor-deployment', params: { teams: ['team-a'] } },
    });
    const catalog = await check('user:default/bob', 'nestor.catalog.read');
    expect(catalog.body.conditions).toEqual({ rule: 'IS_VISIBLE_TO_TEAM', resourceType: 'nestor-catalog-item', params: { teams: ['team-b'] } });
  });

  it('resolves conditions on a concrete deployment through the plugin', async () => {
    const decide = async (user: string, permission: string, ref: string) => (await check(user, permission, ref)).body.result;
    expect(await decide('user:default/alice', 'nestor.deployment.read', 'a-dev')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('user:default/alice', 'nestor.deployment.read', 'b-dev')).toBe(AuthorizeResult.DENY);
    expect(await decide('user:default/bob', 'nestor.deployment.update', 'b-dev')).toBe(AuthorizeResult.ALLOW);
  });

  it('keeps prod to the sre group for writes, but not for reads', async () => {
    const decide = async (user: string, permission: string, ref: string) => (await check(user, permission, ref)).body.result;
    expect(await decide('user:default/alice', 'nestor.deployment.delete', 'a-prod')).toBe(AuthorizeResult.DENY);
    expect(await decide('user:default/alice', 'nestor.deployment.delete', 'a-dev')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('user:default/alice', 'nestor.deployment.read', 'a-prod')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('user:default/sam', 'nestor.deployment.delete', 'a-prod')).toBe(AuthorizeResult.ALLOW);
    const conditions = (await check('user:default/alice', 'nestor.deployment.create')).body.conditions;
    expect(conditions).toEqual({
      allOf: [
        { rule: 'IS_TEAM_MEMBER', resourceType: 'nestor-deployment', params: { teams: ['team-a'] } },
        { not: { rule: 'HAS_ENVIRONMENT', resourceType: 'nestor-deployment', params: { environments: ['prod'] } } },
      ],
    });
  });

  it('keeps syncs and force-delete to admins, and lets everyone read GitOps status', async () => {
    expect((await check('user:default/alice', 'nestor.catalog.sync')).body.result).toBe(AuthorizeResult.DENY);
    expect((await check('user:default/alice', 'nestor.gitops.sync')).body.result).toBe(AuthorizeResult.DENY);
    expect((await check('user:default/alice', 'nestor.deployment.force-delete')).body.result).toBe(AuthorizeResult.DENY);
    expect((await check('user:default/alice', 'nestor.gitops.read')).body.result).toBe(AuthorizeResult.ALLOW);
  });

  it('sends other plugins\' permissions to the configured fallback', async () => {
    expect((await check('user:default/root', 'catalog.entity.delete')).body.result).toBe(AuthorizeResult.DENY);
  });
});
