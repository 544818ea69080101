/*
 * The provider's own behaviour around the catalog: start-up while Nestor is
 * down, batching of events into deltas, a delta that fails and is retried,
 * closing. Nestor is the real backend on a local buffet; the catalog side is
 * a connection that records mutations, and faults are injected in the
 * client's fetch.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import http from 'node:http';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
// the real Nestor backend is what the provider talks to in these tests
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import nestorPlugin from '@nestor/plugin-nestor-backend';
import nestorModuleHelm from '@nestor/plugin-nestor-backend-module-helm';
import { NestorClient } from '@nestor/plugin-nestor-common';
import { pollUntil, resourceDefinitionYaml } from '@nestor/test-utils';
import request from 'supertest';
import { NestorEntityProvider } from './NestorEntityProvider';

jest.setTimeout(60_000);

const CATALOG_TOKEN = mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('plugin:catalog'),
  targetPluginId: 'nestor',
});

describe('NestorEntityProvider', () => {
  let buffet: string;
  let server: http.Server;
  let stopBackend: () => Promise<void>;
  let baseUrl: string;

  beforeAll(async () => {
    buffet = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-provider-unit-'));
    for (const name of ['alpha', 'beta']) {
      await fs.writeFile(
        path.join(buffet, `${name}.yaml`),
        resourceDefinitionYaml(name),
      );
    }
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        nestorModuleHelm,
        mockServices.rootConfig.factory({
          data: {
            nestor: {
              sources: [{ id: 'buffet', path: buffet }],
              serviceAccess: [{ subject: 'plugin:catalog', teams: ['*'] }],
              events: { heartbeat: { seconds: 1 } },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
    baseUrl = `http://localhost:${
      (server.address() as AddressInfo).port
    }/api/nestor`;
  });

  afterAll(async () => {
    await stopBackend?.();
    await fs.rm(buffet, { recursive: true, force: true });
  });

  /** A provider on a client whose fetch fails while `fault` says so. */
  function setUp() {
    const fault = { all: false, itemReads: 0 };
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = String(input);
      if (fault.all) throw new TypeError('fetch failed (Nestor is down)');
      if (
        fault.itemReads > 0 &&
        /\/catalog\/[a-z]/.test(
          new URL(url).pathname.replace(/^\/api\/nestor/, ''),
        )
      ) {
        fault.itemReads -= 1;
        return new Response(
          JSON.stringify({ error: { name: 'Error', message: 'injected' } }),
          {
            status: 500,
            headers: { 'content-type': 'application/json' },
          },
        );
      }
      return globalThis.fetch(input, init);
    };
    const client = new NestorClient({
      baseUrl,
      token: CATALOG_TOKEN,
      fetchApi: { fetch },
    });
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: async task => {
        tasks.push(task);
      },
    });
    const logger = mockServices.logger.mock();
    logger.child.mockReturnValue(logger);
    const mutations: EntityProviderMutation[] = [];
    const connection: EntityProviderConnection = {
      applyMutation: async mutation => {
        mutations.push(mutation);
      },
      refresh: async () => {},
    };
    const provider = NestorEntityProvider.fromConfig(
      new ConfigReader({
        catalog: {
          providers: {
            nestor: {
              batchDelayMs: 200,
              schedule: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
            },
          },
        },
      }),
      {
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        scheduler,
        logger,
        client,
      },
    );
    const names = (m: EntityProviderMutation) =>
      (m.type === 'full' ? m.entities : m.added)
        .map(e => `${e.entity.kind}:${e.entity.metadata.name}`)
        .sort();
    return { provider, connection, fault, tasks, logger, mutations, names };
  }

  const sync = async () => {
    const res = await request(server)
      .post('/api/nestor/catalog/sources/buffet/sync')
      .set('Authorization', `Bearer ${CATALOG_TOKEN}`);
    expect(res.status).toBe(202);
  };

  it('survives a start while Nestor is down, and publishes everything once the event stream opens', async () => {
    const { provider, connection, fault, tasks, logger, mutations, names } =
      setUp();
    fault.all = true;
    await provider.connect(connection);
    expect(tasks.map(t => t.id)).toEqual(['nestor:refresh']);
    // the scheduled refresh logs the failure; the scheduler never sees it
    await expect(
      tasks[0].fn(new AbortController().signal),
    ).resolves.toBeUndefined();
    expect(mutations).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Full refresh from Nestor failed'),
    );

    fault.all = false;
    await pollUntil(
      async () => mutations,
      m => m.some(x => x.type === 'full'),
      'a full mutation',
    );
    const full = mutations.find(m => m.type === 'full')!;
    expect(names(full)).toEqual([
      'Resource:alpha',
      'Resource:beta',
      'Template:alpha',
      'Template:beta',
    ]);
    expect(full.type === 'full' && full.entities[0].locationKey).toBe(
      'nestor-provider:nestor',
    );
    provider.close();
  });

  it('gathers the events of one sync into one delta mutation', async () => {
    const { provider, connection, mutations, names } = setUp();
    await provider.connect(connection);
    await pollUntil(
      async () => mutations,
      m => m.some(x => x.type === 'full'),
      'the first full mutation',
    );
    for (const name of ['alpha', 'beta']) {
      await fs.writeFile(
        path.join(buffet, `${name}.yaml`),
        resourceDefinitionYaml(name, { version: '1.1.0' }),
      );
    }
    await sync();
    const deltas = await pollUntil(
      async () => mutations.filter(m => m.type === 'delta'),
      d => d.length > 0,
      'a delta mutation',
    );
    // a little longer: nothing else comes
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(mutations.filter(m => m.type === 'delta')).toHaveLength(1);
    expect(names(deltas[0])).toEqual([
      'Resource:alpha',
      'Resource:beta',
      'Template:alpha',
      'Template:beta',
    ]);
    expect(
      deltas[0].type === 'delta' &&
        deltas[0].removed.map(r => ('entityRef' in r ? r.entityRef : '')),
    ).toEqual(['api:default/alpha', 'api:default/beta']);
    provider.close();
  });

  it('retries a delta whose reads failed, and then applies it', async () => {
    const { provider, connection, fault, mutations, logger, names } = setUp();
    await provider.connect(connection);
    await pollUntil(
      async () => mutations,
      m => m.some(x => x.type === 'full'),
      'the first full mutation',
    );
    fault.itemReads = 1;
    await fs.writeFile(
      path.join(buffet, 'alpha.yaml'),
      resourceDefinitionYaml('alpha', { version: '1.2.0' }),
    );
    await sync();
    const delta = await pollUntil(
      async () => mutations.find(m => m.type === 'delta'),
      d => d !== undefined,
      'the delta after the retry',
      15_000,
    );
    expect(names(delta!)).toEqual(['Resource:alpha', 'Template:alpha']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Nestor delta update failed, retrying in 5s: /),
    );
    provider.close();
  });

  it('follows no event once closed', async () => {
    const { provider, connection, mutations } = setUp();
    await provider.connect(connection);
    await pollUntil(
      async () => mutations,
      m => m.some(x => x.type === 'full'),
      'the first full mutation',
    );
    provider.close();
    await fs.writeFile(
      path.join(buffet, 'beta.yaml'),
      resourceDefinitionYaml('beta', { version: '2.0.0' }),
    );
    await sync();
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(mutations.filter(m => m.type === 'delta')).toEqual([]);
  });
});
