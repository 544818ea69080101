/*
 * 100 concurrent orders across two replicas against a team quota: two real
 * backend processes (`createBackend` with the Nestor plugin and the helm
 * engine, real auth with a static external-access token) on one PostgreSQL,
 * the same buffet in a local folder, team-a allowed 10 deployments in dev.
 * 50 `POST /deploy` to each replica, all at once, over HTTP. Exactly 10 are
 * admitted (202), the 90 others refused with 422 and the quota reason, and
 * both replicas then list exactly the 10 admitted deployments: nothing lost,
 * nothing admitted twice. Skipped, loudly, without PostgreSQL.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import YAML from 'yaml';
import {
  BackendProcess,
  resourceDefinitionYaml,
  spawnBackendProcess,
} from '@nestor/test-utils';
import { freePort } from '../services/events/__testUtils__/startEventsBackend';

jest.setTimeout(300_000);

const TOKEN = 'order-bot-token-0123456789abcdef';
const ORDERS = 100;
const order = (name: string) => ({
  team: 'team-a',
  environment: 'dev',
  name,
  resource: 'quota-db',
  parameters: { size: 'small' },
});
const QUOTA = 10;

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const pgAvailable = databases.supports('POSTGRES_15');
if (!pgAvailable) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n*** 100 orders across two replicas is NOT run: it needs PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING). ***\n',
  );
}

(pgAvailable ? describe : describe.skip)(
  '100 concurrent orders across two replicas against a team quota',
  () => {
    const prefix = `nestor_orders_${process.pid}_${Date.now().toString(36)}_`;
    const replicas: BackendProcess[] = [];
    let dir: string;
    /** a fresh database of the test server: its connection (without the database) is the replicas' server */
    let db: Knex;
    let server: Record<string, unknown>;

    const call = (
      replica: BackendProcess,
      url: string,
      init: RequestInit = {},
    ) =>
      fetch(`${replica.baseUrl}${url}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
      });

    async function startReplica(): Promise<BackendProcess> {
      const port = await freePort();
      return spawnBackendProcess(
        path.resolve(__dirname, '__testUtils__/runOrderingBackend.ts'),
        {
          backend: {
            baseUrl: `http://127.0.0.1:${port}`,
            listen: { port, host: '127.0.0.1' },
            database: { client: 'pg', connection: server, prefix },
            workingDirectory: dir,
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: TOKEN, subject: 'order-bot' },
                },
              ],
            },
          },
          nestor: {
            sources: [{ id: 'buffet', path: path.join(dir, 'buffet') }],
            sync: {
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
            },
            serviceAccess: [{ subject: 'order-bot', teams: ['team-a'] }],
            // orders are admitted and stored; delivering them is not what this test is about
            coordinator: { enabled: false },
          },
        },
      );
    }

    beforeAll(async () => {
      db = await databases.init('POSTGRES_15');
      const { database: _testDatabase, ...connection } = db.client.config
        .connection as Record<string, unknown>;
      server = connection;
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-orders-'));
      await fs.mkdir(path.join(dir, 'buffet'));
      await fs.writeFile(
        path.join(dir, 'buffet/quota-db.yaml'),
        resourceDefinitionYaml('quota-db', { owner: 'team-a' }),
      );
      await fs.writeFile(
        path.join(dir, 'buffet/teams.yaml'),
        YAML.stringify({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: 'team-a' },
          spec: {
            environments: ['dev'],
            quotas: { dev: { maxDeployments: QUOTA } },
            grants: [],
            gitops: {
              repo: 'https://git.example.invalid/team-a.git',
              branch: 'main',
              path: 'nestor',
              strategy: 'direct',
            },
          },
        }),
      );
      // one after the other: two backends creating the same fresh databases at once race in Backstage's own migrations
      replicas.push(await startReplica());
      replicas.push(await startReplica());
      // each replica has the item once a sync (on either replica: the task is global) stored it
      for (const r of replicas) {
        const deadline = Date.now() + 60_000;
        while (!(await call(r, '/catalog/quota-db')).ok) {
          if (Date.now() > deadline)
            throw new Error(
              `the buffet was not synced within 60 s:\n${r.output()}`,
            );
          await new Promise(resolve => setTimeout(resolve, 200));
        }
      }
      await Promise.all(replicas.map(warmUp));
    });

    /** A dry run on each replica first: its caches and compiled schemas warm, both take part in the race. */
    async function warmUp(r: BackendProcess) {
      const res = await call(r, '/teams/team-a/validate', {
        method: 'POST',
        body: JSON.stringify(order('warm-up')),
      });
      if (res.status !== 200)
        throw new Error(
          `the dry run failed: ${res.status} ${await res.text()}`,
        );
    }

    afterAll(async () => {
      await Promise.all(replicas.map(r => r.stop()));
      if (db) {
        const { rows } = await db.raw(
          'select datname from pg_database where datname like ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows)
          await db.raw('drop database if exists ?? with (force)', [datname]);
      }
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it(`admits exactly ${QUOTA} of ${ORDERS} orders, refuses the others with the quota reason, and loses none`, async () => {
      const answers = await Promise.all(
        Array.from({ length: ORDERS }, async (_, i) => {
          const res = await call(replicas[i % 2], '/deploy', {
            method: 'POST',
            body: JSON.stringify(order(`order-${i}`)),
          });
          return {
            i,
            status: res.status,
            body: await res.json(),
            at: Date.now(),
          };
        }),
      );

      const statuses = answers.reduce<Record<number, number>>(
        (n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }),
        {},
      );
      expect(statuses).toEqual({ 202: QUOTA, 422: ORDERS - QUOTA });
      const admitted = answers.filter(a => a.status === 202);
      // the two replicas answered at the same time: a race between processes, not one after the other
      const answeredAt = (side: number) =>
        answers.filter(a => a.i % 2 === side).map(a => a.at);
      expect(Math.min(...answeredAt(0))).toBeLessThan(
        Math.max(...answeredAt(1)),
      );
      expect(Math.min(...answeredAt(1))).toBeLessThan(
        Math.max(...answeredAt(0)),
      );
      for (const refused of answers.filter(a => a.status === 422)) {
        expect(refused.body.error).toMatchObject({
          name: 'UnprocessableEntityError',
          check: 'quota',
          reasons: [
            {
              code: 'QUOTA_EXCEEDED',
              field: 'maxDeployments',
              message: `quota maxDeployments of team-a in dev reached: ${QUOTA} of ${QUOTA} deployments`,
            },
          ],
        });
      }

      // nothing lost, nothing extra: each replica lists exactly the admitted deployments
      const expected = admitted
        .map(a => ({ id: a.body.id, ref: `team-a/dev/order-${a.i}` }))
        .sort((a, b) => a.ref.localeCompare(b.ref));
      for (const r of replicas) {
        const list = await (
          await call(r, '/deployments?team=team-a&limit=500')
        ).json();
        const listed = list.items
          .map((d: { id: string; ref: string }) => ({ id: d.id, ref: d.ref }))
          .sort((a: { ref: string }, b: { ref: string }) =>
            a.ref.localeCompare(b.ref),
          );
        expect(listed).toEqual(expected);
        const usage = await (await call(r, '/teams/team-a/quotas')).json();
        expect(usage.items).toEqual([
          expect.objectContaining({
            environment: 'dev',
            limits: { maxDeployments: QUOTA },
            usage: expect.objectContaining({ deployments: QUOTA }),
          }),
        ]);
      }
      // eslint-disable-next-line no-console
      console.log(
        `admitted by replica: A ${
          admitted.filter(a => a.i % 2 === 0).length
        }, B ${admitted.filter(a => a.i % 2 === 1).length}`,
      );
    });
  },
);
