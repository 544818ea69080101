/*
 * Git goes away and comes back, under the real plugin (startTestBackend, a
 * real `git http-backend` server, the store on SQLite, Backstage's mock
 * scheduler which runs triggered syncs inline). Readiness names the source
 * that cannot sync, the Git host's circuit breaker opens after
 * `failureThreshold` failures and then refuses fetches without trying, and
 * once Git is back the breaker half-opens, lets one fetch through, closes,
 * and readiness is ok again.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GitHttpServer,
  GitWorkTree,
  resourceDefinitionYaml as def,
  knexDatabaseServiceFactory,
} from '@nestor/test-utils';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import YAML from 'yaml';
import { nestorPlugin } from '../plugin';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const HALF_OPEN_AFTER_MS = 1500;

/** The readiness answer as docs/openapi.yaml describes it. */
const readinessSchema = YAML.parse(
  readFileSync(
    path.resolve(__dirname, '../../../../docs/openapi.yaml'),
    'utf8',
  ),
).components.schemas.Readiness;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const isReadiness = ajv.compile(readinessSchema);
const expectDocumented = (body: unknown) => {
  isReadiness(body);
  expect(isReadiness.errors ?? []).toEqual([]);
};

describe('a Git host that goes away and comes back', () => {
  let git: GitHttpServer;
  let work: GitWorkTree;
  let workDir: string;
  let server: Parameters<typeof request>[0];
  let stopBackend: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    git = await GitHttpServer.start();
    work = await GitWorkTree.create(await git.createRepo('buffet'));
    await work.commitAndPush({ 'buffet/db.yaml': def('db') });
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-git-outage-'));
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        catalogServiceMock.factory(),
        knexDatabaseServiceFactory(knex),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            nestor: {
              sources: [
                {
                  id: 'platform',
                  url: git.url('buffet'),
                  branch: 'main',
                  subPath: 'buffet',
                },
              ],
              sync: {
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
              },
              circuitBreakers: {
                failureThreshold: 2,
                halfOpenAfterMs: HALF_OPEN_AFTER_MS,
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
    await git?.stop();
    await work?.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const ready = async () =>
    (await request(server).get('/api/nestor/health/ready')).body;
  const sync = async () => {
    const res = await request(server)
      .post('/api/nestor/catalog/sources/platform/sync')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(202);
  };
  const source = async () =>
    (
      await request(server)
        .get('/api/nestor/catalog/sources')
        .set('Authorization', mockCredentials.user.header())
    ).body.items[0];
  const host = () => new URL(git.baseUrl).host;

  /** Readiness once `done` holds (triggered syncs run after the 202). */
  const readyWhen = async (done: (body: any) => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const body = await ready();
      if (done(body)) return body;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}: ${JSON.stringify(body)}`,
        );
      }
      await new Promise(r => setTimeout(r, 50));
    }
  };

  it('says so in readiness, opens the circuit, then half-opens, closes and is ready again once Git is back', async () => {
    // the start-up sync went through: all is well
    const before = await ready();
    expect(before.status).toBe('ok');
    expect(before.checks.sources.status).toBe('ok');
    expect(before.circuits).toEqual([
      expect.objectContaining({
        system: 'git',
        target: host(),
        state: 'closed',
      }),
    ]);
    // the item's engine is not installed here: `partial`, which readiness accepts
    const { lastCommit: syncedCommit, status: syncedStatus } = await source();

    await git.suspend();
    await sync();
    // readiness fails on the sources check, naming the source; the API still
    // serves the last good catalog, so the answer is 200 and `degraded`
    const first = await readyWhen(
      b => b.checks.sources.status !== 'ok',
      'the failed sync',
    );
    expect(first.status).toBe('degraded');
    expect(first.checks.sources).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(
        /^platform: .*(Failed to connect|Connection refused|Couldn't connect)/,
      ),
    });
    expect(first.checks.circuits.status).toBe('ok');
    expect(first.circuits[0].state).toBe('closed');

    await sync();
    const open = await readyWhen(
      b => b.circuits[0].state === 'open',
      'the circuit to open',
    );
    expect(open.status).toBe('degraded');
    expectDocumented(open);
    expect(open.checks.circuits).toMatchObject({
      status: 'degraded',
      message: expect.stringContaining(`Git host ${host()}: open until`),
    });
    expect(open.circuits).toEqual([
      expect.objectContaining({
        system: 'git',
        target: host(),
        state: 'open',
        retryAt: expect.any(String),
        lastFailure: expect.stringMatching(
          /Failed to connect|Connection refused|Couldn't connect/,
        ),
      }),
    ]);

    // while it is open, a sync fails at once without trying Git, and says why
    await sync();
    const refused = await readyWhen(
      b => /circuit open/.test(b.checks.sources.message ?? ''),
      'a sync refused by the open circuit',
    );
    expect(refused.checks.sources.message).toContain(
      `platform: Git host ${host()} is not answering: circuit open`,
    );

    // Git comes back; once the breaker's wait is over, the next sync is the
    // half-open test call: it succeeds and closes the breaker
    await git.resume();
    const retryAt = Date.parse(open.circuits[0].retryAt);
    await new Promise(r =>
      setTimeout(r, Math.max(0, retryAt - Date.now()) + 100),
    );
    await sync();
    const after = await readyWhen(
      b => b.status === 'ok',
      'readiness to recover',
    );
    expect(after.checks.sources.status).toBe('ok');
    expectDocumented(after);
    expect(after.checks.circuits.status).toBe('ok');
    expect(after.circuits).toEqual([
      expect.objectContaining({
        system: 'git',
        target: host(),
        state: 'closed',
      }),
    ]);
    expect(
      after.circuits[0].transitions.map((t: { state: string }) => t.state),
    ).toEqual(['open', 'half-open', 'closed']);
    expect(await source()).toMatchObject({
      status: syncedStatus,
      lastCommit: syncedCommit,
    });
  });
});
