import { promises as fs } from 'node:fs';
import { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// the real Nestor backend is what the provider talks to in these tests
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { NestorClient } from '@nestor/plugin-nestor-common';
import {
  KubernetesTestServer,
  ownershipUserInfoServiceFactory,
} from '@nestor/test-utils';
import http from 'node:http';
import { NestorClientFactory } from '../services/NestorClientFactory';
import { testEngineModule } from './testEngineModule';
import { writeTestBuffet } from './writeTestBuffet';

/** Users and the teams they act for. */
export const USERS = {
  alice: 'user:default/alice', // team-platform
  bob: 'user:default/bob', // team-payments
  carol: 'user:default/carol', // team-checkout
} as const;

const OWNERSHIP: Record<string, string[]> = {
  [USERS.alice]: [USERS.alice, 'group:default/team-platform'],
  [USERS.bob]: [USERS.bob, 'group:default/team-payments'],
  [USERS.carol]: [USERS.carol, 'group:default/team-checkout'],
};

const CLUSTER_TOKEN = 'test-cluster-token';

/**
 * What the Nestor plugin runs on in these tests: the test buffet folder and
 * one Kubernetes API (in process) serving every environment, and the
 * `nestor` config for them: a quick coordinator, the catalog's own service
 * mapped to every team.
 */
export async function startNestorWorld() {
  const buffet = await writeTestBuffet();
  const cluster = await KubernetesTestServer.start({ token: CLUSTER_TOKEN });
  return {
    config: {
      sources: [{ id: 'buffet', path: buffet }],
      serviceAccess: [{ subject: 'plugin:catalog', teams: ['*'] }],
      kubernetes: {
        clusters: [
          {
            name: 'test',
            url: cluster.url,
            serviceAccountToken: CLUSTER_TOKEN,
            // the test server speaks plain HTTP
            skipTLSVerify: true,
          },
        ],
      },
      coordinator: { pollIntervalMs: 50, statusPollMs: 100, backoffMs: 50 },
      events: { heartbeat: { seconds: 1 } },
    },
    async stop() {
      await cluster.stop();
      await fs.rm(buffet, { recursive: true, force: true });
    },
  };
}

/** The Nestor plugin with its own backend's user ownership, for the actions' tests. */
export const nestorTestFeatures = [
  nestorPlugin,
  testEngineModule,
  ownershipUserInfoServiceFactory(OWNERSHIP),
];

/**
 * The real Nestor plugin (with the `test` engine) on the test buffet, in
 * `startTestBackend`; the catalog is Backstage's in-memory mock holding
 * `entities`. Returns what the actions are built from, as the module
 * builds them: a client factory on discovery and auth, and the catalog.
 */
export async function startNestorBackend(
  options: {
    entities?: Entity[];
    /** environments where the platform team's `main-vpc` is ordered first (by alice) */
    vpcs?: string[];
  } = {},
) {
  const world = await startNestorWorld();
  const catalog = catalogServiceMock({ entities: options.entities ?? [] });
  const backend = await startTestBackend({
    features: [
      ...nestorTestFeatures,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({
        data: { nestor: world.config },
      }),
    ],
  });
  const { port } = (backend.server as http.Server).address() as AddressInfo;
  const baseUrl = (pluginId: string) =>
    `http://localhost:${port}/api/${pluginId}`;
  const discovery = {
    getBaseUrl: async (id: string) => baseUrl(id),
    getExternalBaseUrl: async (id: string) => baseUrl(id),
  };
  const auth = mockServices.auth({ pluginId: 'scaffolder' });
  const clients = NestorClientFactory.fromConfig(
    new ConfigReader({ app: { baseUrl: 'http://localhost:3000' } }),
    {
      discovery,
      auth,
    },
  );
  /** a Nestor client acting for a user, to arrange and check what the actions did */
  const as = (user: string) =>
    new NestorClient({
      baseUrl: baseUrl('nestor'),
      token: mockCredentials.user.token(user),
    });
  for (const environment of options.vpcs ?? []) {
    await as(USERS.alice).deploy({
      team: 'team-platform',
      environment,
      name: 'main-vpc',
      resource: 'network-vpc',
    });
  }
  return {
    clients,
    catalog,
    as,
    async stop() {
      await backend.stop();
      await world.stop();
    },
  };
}
