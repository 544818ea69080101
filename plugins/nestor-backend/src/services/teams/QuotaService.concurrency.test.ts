import { TestDatabases } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { DatabaseNestorStore } from '../../stores/database/DatabaseNestorStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const pgAvailable = databases.supports('POSTGRES_15');
if (!pgAvailable) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n*** Quota concurrency across processes is NOT tested in this run: it needs PostgreSQL. ***\n' +
      'Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432 and BACKSTAGE_TEST_DISABLE_DOCKER=1.\n',
  );
}

const REPLICA = path.resolve(__dirname, 'testing/quotaReplica.ts');

function startReplica(name: string, connection: unknown, requests: number) {
  const child = spawn(process.execPath, ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), REPLICA], {
    env: {
      ...process.env,
      NESTOR_TEST_PG_CONNECTION: JSON.stringify(connection),
      NESTOR_TEST_REQUESTS: String(requests),
      NESTOR_TEST_REPLICA: name,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', chunk => (stderr += chunk));
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`replica ${name} ended early: ${stderr}`);
    return value as string;
  };
  return { child, next };
}

(pgAvailable ? describe : describe.skip)('QuotaService across two processes on one PostgreSQL', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach(c => c.exitCode === null && c.kill()));

  it('admits exactly maxDeployments of 100 concurrent reservations', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
    await store.teams.putTeams([
      {
        id: 'team-a',
        config: {
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'TeamConfig',
          metadata: { name: 'team-a' },
          spec: { environments: ['dev'], quotas: { dev: { maxDeployments: 10 } }, grants: [], delivery: 'gitops' },
        },
        source: { id: 's', path: 'teams.yaml', commit: 'c' },
        updatedAt: '2024-01-01T00:00:00Z',
      },
    ]);
    const connection = knex.client.config.connection;
    const replicas = [startReplica('r1', connection, 50), startReplica('r2', connection, 50)];
    children.push(...replicas.map(r => r.child));
    for (const r of replicas) expect(await r.next()).toBe('ready');
    for (const r of replicas) r.child.stdin!.write('go\n');
    const results = await Promise.all(replicas.map(async r => JSON.parse(await r.next())));

    expect(results.reduce((n, r) => n + r.admitted, 0)).toBe(10);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(90);
    const usage = await store.teams.getQuotaUsage('team-a');
    expect(usage.find(u => u.scope === '*')).toMatchObject({ deployments: 10, monthlyCost: 100 });
    const events = await store.events.readAfter({ afterId: 0, limit: 1000, types: ['quota.exceeded'] });
    expect(events).toHaveLength(90);
    expect(events[0].payload).toMatchObject({ limit: 'maxDeployments', max: 10, current: 10 });
    await knex.destroy();
  }, 60_000);
});
