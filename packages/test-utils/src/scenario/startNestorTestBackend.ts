import http from 'node:http';
import { AddressInfo } from 'node:net';
import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NestorClient } from '@nestor/plugin-nestor-common';
import { ownershipUserInfoServiceFactory } from '../backstage/ownershipUserInfoServiceFactory';
import { EngineScenario } from './EngineScenario';

type RootConfigData = NonNullable<Parameters<typeof mockServices.rootConfig.factory>[0]>['data'];

/** Options of {@link startNestorTestBackend}. @public */
export interface NestorTestBackendOptions {
  /**
   * The Nestor plugin and the engine module(s) under test, plus any service
   * factory to add or replace (e.g. `catalogServiceMock.factory()`). This
   * library does not depend on the backend plugin, so the test passes it.
   */
  features: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  /**
   * Users (entity ref → ownership refs). Default: `user:default/jane`, a
   * member of `group:default/team-payments`.
   */
  users?: Record<string, string[]>;
  /** Options of {@link EngineScenario.nestorConfig}. */
  nestor?: Parameters<EngineScenario['nestorConfig']>[0];
  /** Extra root config, merged over the defaults at the top level (`backend`, ...). */
  config?: Record<string, unknown>;
}

/** A backend started by {@link startNestorTestBackend}. @public */
export interface NestorTestBackend {
  server: http.Server;
  /** `http://127.0.0.1:<port>/api/nestor` */
  baseUrl: string;
  /** A mock user token the backend accepts. */
  token(user?: string): string;
  /** A client acting as the user (default: the first user). */
  client(user?: string): NestorClient;
  stop(): Promise<void>;
}

/** The default user of {@link startNestorTestBackend}. @public */
export const TEST_USER = 'user:default/jane';

/**
 * Starts a real Backstage backend (`startTestBackend`) with the given Nestor
 * plugin and engine module(s), configured for the scenario: its buffet as
 * source, its cluster for every environment, an in-memory SQLite database,
 * mock user tokens and permissions that allow everything (Nestor's own team
 * checks still apply). The catalog is the default client: with no catalog
 * plugin here, Group entities are not read (Nestor logs a warning and serves
 * teams without them) unless `features` replaces it.
 * @public
 */
export async function startNestorTestBackend(
  scenario: EngineScenario,
  options: NestorTestBackendOptions,
): Promise<NestorTestBackend> {
  const users = options.users ?? {
    [TEST_USER]: [TEST_USER, 'group:default/team-payments'],
  };
  const defaultUser = Object.keys(users)[0];
  const extra = options.config ?? {};
  // the config is JSON: what the scenario and the options hold is plain data
  const data = {
    ...extra,
    backend: {
      workingDirectory: scenario.tempDir('nestor-backend-'),
      database: { client: 'better-sqlite3', connection: ':memory:' },
      ...(extra.backend as object | undefined),
    },
    nestor: { ...scenario.nestorConfig(options.nestor), ...(extra.nestor as object | undefined) },
  } as unknown as RootConfigData;
  const backend = await startTestBackend({
    features: [
      mockServices.permissions.factory(),
      ownershipUserInfoServiceFactory(users),
      mockServices.rootConfig.factory({ data }),
      ...options.features,
    ],
  });
  const baseUrl = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }/api/nestor`;
  const token = (user = defaultUser) => mockCredentials.user.token(user);
  return {
    server: backend.server,
    baseUrl,
    token,
    client: user => new NestorClient({ baseUrl, token: token(user) }),
    stop: () => backend.stop(),
  };
}
