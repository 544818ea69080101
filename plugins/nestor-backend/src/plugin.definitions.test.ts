/*
 * The runner keeps definitions per name and version (DefinitionCache); the
 * plugin drops them on every catalog event its event bus brings. Here another
 * replica's sync rewrites an item at the same version (its event reaches this
 * replica through the event log) while a deployment waits in Syncing: the
 * next status read sees the new definition, long before the cache's TTL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { teamConfigSchema } from '@nestor/plugin-nestor-common';
import {
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
} from '@nestor/plugin-nestor-node';
import {
  KubernetesTestServer,
  ownershipUserInfoServiceFactory,
  knexDatabaseServiceFactory,
} from '@nestor/test-utils';
import request from 'supertest';
import { nestorPlugin } from './plugin';
import { TestEngine } from './services/deployments/__testUtils__/TestEngine';
import { testDefinition } from './services/deployments/__testUtils__/startDeploymentHarness';
import { testEngineModule } from './services/deployments/__testUtils__/testEngineModule';
import { DatabaseNestorStore } from './stores/database/DatabaseNestorStore';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice');

/** A test engine that records the definition title each status read saw. */
class TitleRecordingEngine extends TestEngine {
  readonly titles: Array<string | undefined> = [];

  async status(
    context: EngineRenderContext,
    target: EngineTarget,
  ): Promise<EngineStatus> {
    this.titles.push(context.definition.metadata.title);
    return super.status(context, target);
  }
}

describe('the runner’s definitions after a catalog change on another replica', () => {
  let server: http.Server;
  let store: DatabaseNestorStore;
  let stopBackend: () => Promise<void>;
  let workDir: string;
  let kubernetes: KubernetesTestServer;
  const engine = new TitleRecordingEngine();
  const source = {
    id: 'platform',
    url: 'https://git.example.com/p.git',
    path: 'cache.yaml',
    commit: 'c0ffee',
  };
  const titled = (title: string) => {
    const definition = testDefinition();
    return { ...definition, metadata: { ...definition.metadata, title } };
  };

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-definitions-'));
    // the in-process Kubernetes API test server (no cluster runs here): Nestor's direct delivery applies to it
    kubernetes = await KubernetesTestServer.start();
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseNestorStore.create({
      database: { getClient: async () => knex },
    });
    await store.catalog.applyChanges(
      { upserts: [{ definition: titled('First'), source }], deletes: [] },
      {},
    );
    await store.teams.putTeams([
      {
        id: 'team-a',
        config: teamConfigSchema.parse({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: 'team-a' },
          spec: { environments: ['dev'], delivery: 'direct' },
        }),
        source: { id: 'platform', path: 'teams.yaml', commit: 'c0ffee' },
        updatedAt: new Date().toISOString(),
      },
    ]);
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        testEngineModule(engine),
        mockServices.permissions.factory(),
        ownershipUserInfoServiceFactory({
          'user:default/alice': ['user:default/alice', 'group:default/team-a'],
        }),
        catalogServiceMock.factory(),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              coordinator: { pollIntervalMs: 50, statusPollMs: 100 },
              kubernetes: {
                clusters: [
                  { name: 'dev', url: kubernetes.url, skipTLSVerify: true },
                ],
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await kubernetes?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('reads the definition again once the catalog event arrives', async () => {
    const order = {
      team: 'team-a',
      environment: 'dev',
      name: 'orders-cache',
      resource: 'cache',
      version: '1.0.0',
      parameters: { size: 'small' },
    };
    const submitted = await request(server)
      .post('/api/nestor/deploy')
      .set('Authorization', ALICE)
      .send(order);
    expect(submitted.body).toMatchObject({ id: expect.any(String) });
    expect(submitted.status).toBe(202);
    const waitFor = async (
      what: string,
      done: () => boolean | Promise<boolean>,
    ) => {
      const deadline = Date.now() + 20_000;
      while (!(await done())) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; titles seen: ${[
              ...new Set(engine.titles),
            ].join(', ')} (${engine.titles.length} status reads)`,
          );
        await new Promise(r => setTimeout(r, 50));
      }
    };
    await waitFor('two status reads', () => engine.titles.length >= 2);
    expect(new Set(engine.titles)).toEqual(new Set(['First']));

    // another replica's sync: the item rewritten at the same version, its event in the log
    const written = await store.catalog.applyChanges(
      { upserts: [{ definition: titled('Second'), source }], deletes: [] },
      {},
    );
    expect(written.updated.map(i => i.definition.spec.version)).toEqual([
      '1.0.0',
    ]);
    await store.events.append([
      {
        type: 'catalog.updated',
        team: null,
        ref: 'cache',
        payload: { name: 'cache' },
      },
    ]);

    await waitFor('a status read with the new definition', () =>
      engine.titles.includes('Second'),
    );
    const seen = engine.titles.length;
    await waitFor('another status read', () => engine.titles.length > seen);
    expect(engine.titles[engine.titles.length - 1]).toBe('Second');
    engine.ready.set('team-a/dev/orders-cache', {});
    await waitFor(
      'Ready',
      async () =>
        (await store.deployments.get(submitted.body.id))?.phase === 'Ready',
    );
  });
});
