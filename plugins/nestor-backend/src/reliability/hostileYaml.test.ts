/*
 * Hostile YAML through a real catalog sync: the real plugin in
 * startTestBackend (store on SQLite, the real helm engine module checking
 * definitions), a source on a real Git server (`git http-backend`) that the
 * test pushes to. Every file first holds a good definition; one commit then
 * replaces each with a hostile file: an alias bomb, nesting 200,000 levels
 * deep, 20 MB, binary bytes, bytes that are not UTF-8, more documents than
 * the configured limit, a 20,000-link anchor chain in a 20,000-key mapping,
 * a duplicate key among 40,000. Each is reported in GET /catalog/sources
 * and in one catalog.sync.failed event with its path, line and reason; the
 * rest of the commit syncs; every item keeps its last good version; the
 * process keeps its memory.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import helmEngineModule from '@nestor/plugin-nestor-backend-module-helm';
import {
  GitHttpServer,
  GitWorkTree,
  resourceDefinitionYaml as def,
} from '@nestor/test-utils';
import request from 'supertest';
import { nestorPlugin } from '../plugin';
import {
  readRaw,
  waitFor,
} from '../services/events/__testUtils__/sseTestClients';

jest.setTimeout(180_000);

const ALICE = mockCredentials.user.header('user:default/alice');
const MAX_DOCUMENTS = 500;

/** Nine levels of nine aliases: 387,420,489 strings once expanded. */
function aliasBomb(): string {
  const levels = [
    'a: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i < 9; i++)
    levels.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(',')}]`,
    );
  return `${def('bomb-db').trimEnd()}\n${levels.join('\n')}\n`;
}

/** Bytes that no generator makes valid text (NUL and invalid UTF-8 sequences included). */
function binaryGarbage(size: number, withNul: boolean): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = withNul ? x & 0xff : 0x80 | (x & 0x7f);
  }
  return bytes;
}

describe('hostile YAML through a real catalog sync', () => {
  let git: GitHttpServer;
  let work: GitWorkTree;
  let workDir: string;
  let server: http.Server;
  let stop: () => Promise<void>;
  let firstCommit: string;
  let hostileCommit: string;
  let syncMs = 0;
  let heapGrowth = 0;

  const good: Record<string, string> = {
    'bomb.yaml': def('bomb-db'),
    'deep.yaml': def('deep-db'),
    'huge.yaml': def('huge-db'),
    'binary.yaml': def('binary-db'),
    'garbage.yaml': def('garbage-db'),
    'latin1.yaml': def('latin1-db'),
    'many.yaml': def('many-db'),
    'chain.yaml': def('chain-db'),
    'keys.yaml': def('keys-db'),
    'steady.yaml': def('steady-db', { description: 'first version' }),
  };
  const names = Object.values(good).map(text => /name: (\S+)/.exec(text)![1]);

  const get = (url: string) =>
    request(server).get(`/api/nestor${url}`).set('Authorization', ALICE);
  const sourceStatus = async () =>
    (await get('/catalog/sources')).body.items[0];

  async function syncTo(commit: string) {
    const res = await request(server)
      .post('/api/nestor/catalog/sources/platform/sync')
      .set('Authorization', ALICE);
    expect(res.status).toBe(202);
    const deadline = Date.now() + 120_000;
    while ((await sourceStatus()).lastCommit !== commit) {
      if (Date.now() > deadline)
        throw new Error(
          `the sync of ${commit} did not finish within 120 s: ${JSON.stringify(
            await sourceStatus(),
          )}`,
        );
      await new Promise(r => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    git = await GitHttpServer.start();
    work = await GitWorkTree.create(await git.createRepo('buffet'));
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-hostile-'));
    firstCommit = await work.commitAndPush(
      Object.fromEntries(
        Object.entries(good).map(([file, text]) => [`buffet/${file}`, text]),
      ),
    );

    // the store on the test backend's own database (SQLite in memory)
    const source = {
      id: 'platform',
      url: git.url('buffet'),
      subPath: 'buffet',
    };
    const sync = {
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 } },
      // below the default of 1000, so the test also shows the setting is applied
      limits: { maxDocuments: MAX_DOCUMENTS },
    };
    const config = {
      backend: { workingDirectory: workDir },
      nestor: { sources: [source], sync },
    };
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        helmEngineModule,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await syncTo(firstCommit);
    const first = await sourceStatus();
    if (first.errors.length > 0)
      throw new Error(
        `the good files did not sync cleanly: ${JSON.stringify(first.errors)}`,
      );

    // one commit replaces every file but steady.yaml with a hostile one, and changes steady.yaml
    const files = path.join(work.dir, 'buffet');
    const chain = [
      'k0: &a0 [x]',
      ...Array.from(
        { length: 20_000 },
        (_, i) => `k${i + 1}: &a${i + 1} [*a${i}]`,
      ),
    ];
    const keys = [
      'anchor: &a x',
      ...Array.from({ length: 40_000 }, (_, i) => `k${i}: v`),
      'k123: again',
    ];
    const latin1 = Buffer.from(
      def('latin1-db', { description: 'Base de données' }),
      'latin1',
    );
    await fs.writeFile(path.join(files, 'bomb.yaml'), aliasBomb());
    await fs.writeFile(
      path.join(files, 'deep.yaml'),
      `${def('deep-db')}extra: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`,
    );
    await fs.writeFile(
      path.join(files, 'huge.yaml'),
      `${def('huge-db')}# ${'x'.repeat(20 * 1024 * 1024)}\n`,
    );
    await fs.writeFile(
      path.join(files, 'binary.yaml'),
      binaryGarbage(64 * 1024, true),
    );
    await fs.writeFile(
      path.join(files, 'garbage.yaml'),
      Buffer.concat([
        Buffer.from('apiVersion: nestor.io/v1alpha1\n'),
        binaryGarbage(64 * 1024, false),
      ]),
    );
    await fs.writeFile(path.join(files, 'latin1.yaml'), latin1);
    await fs.writeFile(
      path.join(files, 'many.yaml'),
      Array.from({ length: 600 }, (_, i) => `---\nn: ${i}`).join('\n'),
    );
    await fs.writeFile(path.join(files, 'chain.yaml'), `${chain.join('\n')}\n`);
    await fs.writeFile(path.join(files, 'keys.yaml'), `${keys.join('\n')}\n`);
    await fs.writeFile(
      path.join(files, 'steady.yaml'),
      def('steady-db', { description: 'second version' }),
    );
    hostileCommit = await work.commit('hostile files');
    await work.push();

    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    await syncTo(hostileCommit);
    syncMs = Date.now() - started;
    heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // eslint-disable-next-line no-console
    console.log(
      `hostile sync: ${syncMs} ms, heap ${Math.round(
        heapGrowth / 1e6,
      )} MB more than before it`,
    );
  });

  afterAll(async () => {
    await stop?.();
    await git?.stop();
    await work?.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('reports each hostile file in GET /catalog/sources with its path, line and reason', async () => {
    const status = await sourceStatus();
    expect(status).toMatchObject({
      id: 'platform',
      lastCommit: hostileCommit,
      status: 'partial',
    });
    const byPath = Object.fromEntries(
      (status.errors as Array<{ path: string }>).map(e => [e.path, e]),
    );
    expect(Object.keys(byPath).sort()).toEqual(
      Object.keys(good)
        .filter(f => f !== 'steady.yaml')
        .map(f => `buffet/${f}`)
        .sort(),
    );
    const defLines = def('x').split('\n').length;
    expect(byPath).toEqual({
      'buffet/bomb.yaml': {
        path: 'buffet/bomb.yaml',
        line: 1,
        message:
          'document 1 cannot be read: Excessive alias count indicates a resource exhaustion attack',
      },
      'buffet/deep.yaml': {
        path: 'buffet/deep.yaml',
        line: defLines,
        message:
          'YAML error: collections nested deeper than the limit of 64 levels',
      },
      'buffet/huge.yaml': {
        path: 'buffet/huge.yaml',
        message: expect.stringMatching(
          /^file is 2097\d{4} bytes, more than the limit of 1048576$/,
        ),
      },
      'buffet/binary.yaml': {
        path: 'buffet/binary.yaml',
        line: expect.any(Number),
        message: 'not a text file (contains NUL bytes)',
      },
      'buffet/garbage.yaml': {
        path: 'buffet/garbage.yaml',
        line: 2,
        message: expect.stringMatching(
          /^not UTF-8 text: byte 0x[89A-F][0-9A-F] at line 2, column \d+ \(files must be UTF-8\)$/,
        ),
      },
      'buffet/latin1.yaml': {
        path: 'buffet/latin1.yaml',
        line: 6,
        message:
          'not UTF-8 text: byte 0xE9 at line 6, column 28 (files must be UTF-8)',
      },
      'buffet/many.yaml': {
        path: 'buffet/many.yaml',
        line: 2 * MAX_DOCUMENTS + 1,
        message: `file has more than ${MAX_DOCUMENTS} documents (the limit); document ${
          MAX_DOCUMENTS + 1
        } starts here`,
      },
      'buffet/chain.yaml': {
        path: 'buffet/chain.yaml',
        line: 1,
        message:
          'document 1 cannot be read: Excessive alias count indicates a resource exhaustion attack',
      },
      'buffet/keys.yaml': {
        path: 'buffet/keys.yaml',
        line: 40_002,
        message:
          'YAML error in document 1: Map keys must be unique ("k123" is repeated)',
      },
    });
  });

  it('keeps the last good version of every item a hostile file held, and syncs the rest of the commit', async () => {
    for (const name of names.filter(n => n !== 'steady-db')) {
      const item = await get(`/catalog/${name}`);
      expect({
        name,
        status: item.status,
        commit: item.body.source?.commit,
      }).toEqual({ name, status: 200, commit: firstCommit });
    }
    const steady = await get('/catalog/steady-db');
    expect(steady.body).toMatchObject({
      definition: { metadata: { description: 'second version' } },
      source: { commit: hostileCommit },
    });
    expect((await get('/catalog?limit=50')).body.totalCount).toBe(names.length);
  });

  it('publishes one catalog.sync.failed event naming every hostile file', async () => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(
      `http://127.0.0.1:${port}/api/nestor/events?types=catalog.sync.failed&lastEventId=0`,
      { headers: { Authorization: ALICE } },
    );
    expect(res.status).toBe(200);
    const body = readRaw(res);
    try {
      await waitFor(
        () => body.text.includes(hostileCommit),
        'the catalog.sync.failed event of the hostile commit',
      );
    } finally {
      body.cancel();
    }
    const events = body.text
      .split('\n')
      .filter(line => line.startsWith('data: '))
      .map(line => JSON.parse(line.slice(6)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'catalog.sync.failed',
      team: null,
      payload: { sourceId: 'platform', commit: hostileCommit },
    });
    const reported = (
      events[0].payload.errors as Array<{ path: string; message: string }>
    )
      .map(e => e.path)
      .sort();
    expect(reported).toEqual(
      (await sourceStatus()).errors.map((e: { path: string }) => e.path).sort(),
    );
  });

  it('stays within bounded memory (an expanded alias bomb alone would need gigabytes)', () => {
    expect(heapGrowth).toBeLessThan(256 * 1024 * 1024);
  });
});
