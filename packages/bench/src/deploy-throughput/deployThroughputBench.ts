import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  KubernetesTestServer,
  resourceDefinitionYaml,
} from '@nestor/test-utils';
import knexFactory from 'knex';
import { stringify } from 'yaml';
import { BenchResult, BenchTarget } from '../report/BenchResult';
import { BenchChild } from '../sse/ipc';
import { BenchStorage } from './deployServer';

const PG_URL =
  process.env.NESTOR_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const ITEM = 'bench-cache';
/** phase changes of a direct deployment after its creation: Pending → Validating → Rendering → Applying → Syncing → Ready */
const PHASE_CHANGES = 5;
/** `nestor.coordinator.concurrency` and `perTeamConcurrency` when not set (plugins/nestor-backend config.d.ts) */
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_PER_TEAM = 2;
/** the target of PERFORMANCE.md, for 1,000 submissions */
const TARGET_MS_PER_1000 = 30_000;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** The buffet: the item every order names (engine `bench`) and `teams` teams delivering directly. */
async function writeBuffet(dir: string, teams: number): Promise<void> {
  await fs.writeFile(
    path.join(dir, `${ITEM}.yaml`),
    resourceDefinitionYaml(ITEM, { engine: 'bench', type: 'cache.redis' }),
  );
  await fs.writeFile(
    path.join(dir, 'teams.yaml'),
    Array.from({ length: teams }, (_, i) =>
      stringify({
        apiVersion: 'nestor.io/v1alpha1',
        kind: 'TeamConfig',
        metadata: { name: `team-${i}` },
        spec: { environments: ['dev'], delivery: 'direct' },
      }),
    ).join('---\n'),
  );
}

/** Terminal events as a processor sees them: arrival time per deployment id, read from one SSE stream. */
class TerminalEvents {
  readonly arrived = new Map<string, { at: number; type: string }>();
  /** the reason of the first deployment.failed, to say why */
  firstFailure?: string;
  eventBytes: number[] = [];
  readonly #abort = new AbortController();
  #waiters: Array<() => void> = [];

  static async open(baseUrl: string, token: string): Promise<TerminalEvents> {
    const events = new TerminalEvents();
    const res = await fetch(
      `${baseUrl}/api/nestor/events?types=deployment.completed,deployment.failed`,
      {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
        },
        signal: events.#abort.signal,
      },
    );
    if (!res.ok || !res.body)
      throw new Error(`GET /events: ${res.status} ${await res.text()}`);
    events.#read(res.body).catch(() => undefined);
    return events;
  }

  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .find(line => line.startsWith('data: '))
          ?.slice(6);
        if (data) {
          const event = JSON.parse(data);
          const id = event.payload?.deployment?.id;
          if (id && !this.arrived.has(id)) {
            this.arrived.set(id, { at, type: event.type });
            if (event.type === 'deployment.failed')
              this.firstFailure ??= `${event.payload.reason}: ${event.payload.message}`;
            this.eventBytes.push(data.length);
          }
        }
        end = buffer.indexOf('\n\n');
      }
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  async waitForAll(ids: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ids.every(id => this.arrived.has(id))) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out: ${ids.filter(id => !this.arrived.has(id)).length} of ${
            ids.length
          } deployments never reached a terminal phase`,
        );
      await new Promise<void>(resolve => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }

  close() {
    this.#abort.abort();
  }
}

interface StoreRun {
  store: string;
  submissions: number;
  wallMs: number;
  perSecond: number;
  submitP50: number;
  submitP99: number;
  endToEndP50: number;
  endToEndP99: number;
  failed: number;
  rejected: number;
  readyInApi: number;
  configMaps: number;
  floorMs: number;
  /** CPU time the backend process used from the first POST to the last terminal event */
  backendCpuMs: number;
  /** CPU time of this process (the clients, the SSE reader and the Kubernetes API test server) over the same window */
  clientCpuMs: number;
  documentBytes: number;
  eventBytes: number;
  /** median time from entering each phase to entering the next, from the deployments' history */
  phaseP50: Record<string, number>;
}

/** Adds the time each phase of one deployment's history lasted. */
function addPhaseTimes(
  into: Map<string, number[]>,
  history: Array<{ phase: string; at: string }>,
): void {
  for (let i = 0; i + 1 < history.length; i++) {
    const ms = Date.parse(history[i + 1].at) - Date.parse(history[i].at);
    const list = into.get(history[i].phase) ?? [];
    list.push(ms);
    into.set(history[i].phase, list);
  }
}

async function runOnStore(
  storage: BenchStorage,
  label: string,
  submissions: number,
  clients: number,
  teams: number,
  coordinator?: Record<string, number>,
): Promise<StoreRun> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'nestor-bench-deploy-'));
  const kubernetes = await KubernetesTestServer.start();
  const server = BenchChild.start('../deploy-throughput/deployServer.ts');
  try {
    await writeBuffet(dir, teams);
    const { baseUrl, token } = await server.request<{
      baseUrl: string;
      token: string;
    }>('start', {
      storage,
      dir,
      kubernetesUrl: kubernetes.url,
      teams,
      coordinator,
    });
    const events = await TerminalEvents.open(baseUrl, token);
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };

    const cpuBefore = await server.request<{ cpuMs: number }>('cpu');
    const parentCpuBefore = process.cpuUsage();
    const submittedAt = new Map<string, number>();
    const submitMs: number[] = [];
    let rejected = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < submissions) {
          const i = next++;
          const at = performance.now();
          const res = await fetch(`${baseUrl}/api/nestor/deploy`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              team: `team-${i % teams}`,
              environment: 'dev',
              name: `svc-${String(i).padStart(5, '0')}`,
              resource: ITEM,
              parameters: { size: 'small' },
            }),
          });
          const body = await res.json();
          submitMs.push(performance.now() - at);
          if (res.status !== 202) {
            rejected++;
            if (rejected === 1)
              console.error(
                `  POST /deploy answered ${res.status}: ${JSON.stringify(
                  body,
                ).slice(0, 500)}`,
              );
            continue;
          }
          submittedAt.set(body.id, at);
        }
      }),
    );
    const ids = [...submittedAt.keys()];
    await events.waitForAll(ids, Math.max(120_000, submissions * 600));
    const finished = Math.max(...ids.map(id => events.arrived.get(id)!.at));
    events.close();
    const cpuAfter = await server.request<{ cpuMs: number }>('cpu');
    const backendCpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
    const parentCpu = process.cpuUsage(parentCpuBefore);
    const clientCpuMs = (parentCpu.user + parentCpu.system) / 1000;
    const wallMs = finished - started;
    const endToEnd = ids.map(
      id => events.arrived.get(id)!.at - submittedAt.get(id)!,
    );
    const failed = ids.filter(
      id => events.arrived.get(id)!.type !== 'deployment.completed',
    ).length;
    if (events.firstFailure)
      console.error(`  a deployment failed: ${events.firstFailure}`);

    // cross-checks: the API lists them Ready, the cluster holds their ConfigMaps
    let readyInApi = 0;
    const phaseMs = new Map<string, number[]>();
    let cursor: string | undefined;
    do {
      const res = await fetch(
        `${baseUrl}/api/nestor/deployments?phase=Ready&limit=500${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
        { headers },
      );
      const page = await res.json();
      readyInApi += page.items.length;
      for (const d of page.items) addPhaseTimes(phaseMs, d.history);
      cursor = page.nextCursor;
    } while (cursor);
    const configMaps = kubernetes.store.list(
      kubernetes.registry.byKind('v1', 'ConfigMap')!,
      undefined,
    ).items.length;
    const sample = await (
      await fetch(`${baseUrl}/api/nestor/deployments/${ids[0]}`, { headers })
    ).text();
    const documentBytes = sample.length;
    const eventBytes = Math.round(
      events.eventBytes.reduce((a, b) => a + b, 0) / events.eventBytes.length,
    );

    const { floorMs } = await server.request<{ floorMs: number }>('floor', {
      storage,
      options: {
        rows: submissions,
        steps: PHASE_CHANGES,
        documentBytes,
        eventBytes,
        // as many at once as the coordinator works on
        concurrency: coordinator?.concurrency ?? DEFAULT_CONCURRENCY,
      },
    });
    const run: StoreRun = {
      store: label,
      submissions,
      wallMs,
      perSecond: ids.length / (wallMs / 1000),
      submitP50: percentile(submitMs, 50),
      submitP99: percentile(submitMs, 99),
      endToEndP50: percentile(endToEnd, 50),
      endToEndP99: percentile(endToEnd, 99),
      failed,
      rejected,
      readyInApi,
      configMaps,
      floorMs,
      backendCpuMs,
      clientCpuMs,
      documentBytes,
      eventBytes,
      phaseP50: Object.fromEntries(
        [...phaseMs].map(([phase, times]) => [phase, percentile(times, 50)]),
      ),
    };
    console.log(
      `  ${label}: ${submissions} submissions in ${(wallMs / 1000).toFixed(
        2,
      )} s (${run.perSecond.toFixed(
        1,
      )}/s); submit→terminal p50 ${run.endToEndP50.toFixed(
        0,
      )} ms, p99 ${run.endToEndP99.toFixed(
        0,
      )} ms; POST p50 ${run.submitP50.toFixed(
        0,
      )} ms, p99 ${run.submitP99.toFixed(
        0,
      )} ms; failed ${failed}, rejected ${rejected}; Ready in the API ${readyInApi}, ConfigMaps ${configMaps}; ` +
        `floor ${(floorMs / 1000).toFixed(2)} s = ${(wallMs / floorMs).toFixed(
          1,
        )}×; ` +
        `backend CPU ${(backendCpuMs / 1000).toFixed(1)} s (${(
          backendCpuMs / submissions
        ).toFixed(1)} ms a deployment), ` +
        `load generator + Kubernetes test server CPU ${(
          clientCpuMs / 1000
        ).toFixed(1)} s\n` +
        `    median time in each phase: ${Object.entries(run.phaseP50)
          .map(([phase, ms]) => `${phase} ${ms} ms`)
          .join(', ')}`,
    );
    return run;
  } finally {
    await server.stop();
    await kubernetes.stop();
    await fs.rm(dir, { recursive: true, force: true });
    if (storage.kind === 'postgres') await dropDatabases(storage.prefix);
  }
}

/** Drops what the backend created on PostgreSQL (one database per plugin, named by the prefix). */
async function dropDatabases(prefix: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: `${PG_URL}/postgres` });
  try {
    const rows = await admin
      .select('datname')
      .from('pg_database')
      .where('datname', 'like', `${prefix}%`);
    for (const { datname } of rows)
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
  } finally {
    await admin.destroy();
  }
}

/** One coordinator setting to run with: its defaults, or a concurrency (and a per-team share of it). */
interface CoordinatorSetting {
  label: string;
  config?: Record<string, number>;
}

function coordinatorSettings(
  values: string,
  teams: number,
): CoordinatorSetting[] {
  return values.split(',').map(value => {
    if (value === 'default')
      return {
        label: `defaults (${DEFAULT_CONCURRENCY} at once, ${DEFAULT_PER_TEAM} per team)`,
      };
    const concurrency = Number(value);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error(`--concurrency: "${value}" is not a positive integer`);
    const perTeam = Math.max(2, Math.ceil(concurrency / teams));
    return {
      label: `${concurrency} at once, ${perTeam} per team`,
      config: { concurrency, perTeamConcurrency: perTeam },
    };
  });
}

/**
 * `npm run bench -- deploy-throughput [--quick] [--submissions N] [--clients C] [--teams T] [--stores sqlite,postgres] [--concurrency default,16]`
 *
 * N deployments (1,000; 50 with `--quick`) ordered end to end through a real
 * Backstage backend with Nestor (see deployServer.ts): C clients (20) POST
 * /deploy as fast as they are answered, for T teams (10); each deployment
 * goes through admission, the coordinator, the `bench` engine and Nestor's
 * direct delivery into the in-process Kubernetes API test server, to Ready;
 * its terminal event is read from Nestor's SSE stream. On SQLite (in
 * memory) and on PostgreSQL, each beside the storage floor (storageFloor.ts)
 * on the same kind of database, once per coordinator setting (its defaults,
 * or `nestor.coordinator.concurrency` values).
 */
export async function main(args: string[]): Promise<BenchResult> {
  const quick = args.includes('--quick');
  const submissions = Number(
    option(args, '--submissions') ?? (quick ? 50 : 1000),
  );
  const clients = Number(option(args, '--clients') ?? 20);
  const teams = Number(option(args, '--teams') ?? 10);
  const stores = (option(args, '--stores') ?? 'sqlite,postgres').split(',');
  const settings = coordinatorSettings(
    option(args, '--concurrency') ?? 'default',
    teams,
  );
  console.log(
    `deploy throughput: ${submissions} submissions, ${clients} clients, ${teams} teams, stores ${stores.join(
      ', ',
    )}, coordinator ${settings.map(c => c.label).join(' / ')}`,
  );
  const runs: StoreRun[] = [];
  const errors: string[] = [];
  for (const setting of settings) {
    for (const store of stores) {
      const storage: BenchStorage =
        store === 'postgres'
          ? {
              kind: 'postgres',
              connection: PG_URL,
              prefix: `bench_deploy_${process.pid}_${Date.now().toString(36)}_`,
            }
          : { kind: 'sqlite' };
      const label = `${
        store === 'postgres' ? 'PostgreSQL' : 'SQLite (in memory)'
      }, coordinator ${setting.label}`;
      try {
        runs.push(
          await runOnStore(
            storage,
            label,
            submissions,
            clients,
            teams,
            setting.config,
          ),
        );
      } catch (error) {
        const message = String((error as Error)?.message ?? error).split(
          '\n',
        )[0];
        console.error(`  ${label}: ${message}`);
        errors.push(`${label}: ${message}`);
      }
    }
  }

  const scaled = (r: StoreRun) => (r.wallMs / r.submissions) * 1000;
  const targets: BenchTarget[] = runs.flatMap(r => [
    {
      target: `1,000 submissions end to end ≤ 30 s (${r.store})`,
      measured:
        r.submissions === 1000
          ? `${(r.wallMs / 1000).toFixed(1)} s`
          : `${(r.wallMs / 1000).toFixed(1)} s for ${r.submissions} (${(
              scaled(r) / 1000
            ).toFixed(1)} s per 1,000)`,
      pass: r.failed + r.rejected === 0 && scaled(r) <= TARGET_MS_PER_1000,
    },
    {
      target: `every submission reaches Ready, none lost (${r.store})`,
      measured: `${r.submissions - r.failed - r.rejected} of ${
        r.submissions
      } Ready (${r.readyInApi} listed Ready, ${
        r.configMaps
      } ConfigMaps in the cluster)`,
      pass:
        r.failed + r.rejected === 0 &&
        r.readyInApi === r.submissions &&
        r.configMaps === r.submissions,
    },
  ]);
  for (const e of errors)
    targets.push({
      target: `1,000 submissions end to end ≤ 30 s (${e.split(':')[0]})`,
      measured: `did not run: ${e.slice(e.indexOf(':') + 2)}`,
      pass: undefined,
    });
  const fmt = (n: number) => n.toFixed(0);
  const phases = ['Pending', 'Validating', 'Rendering', 'Applying', 'Syncing'];
  return {
    name: 'deploy-throughput',
    title: 'Deployment submissions end to end',
    setup:
      `${submissions.toLocaleString(
        'en-US',
      )} deployments ordered through one real Backstage backend process with Nestor ` +
      `(\`createBackend\`, static-token auth): ${clients} clients POST /deploy ` +
      `as fast as they are answered, across ${teams} teams delivering directly; each order goes through admission, the coordinator, ` +
      `the \`bench\` engine (renders one ConfigMap, reports Ready once it is in the cluster) and Nestor's direct delivery into the ` +
      `in-process Kubernetes API test server (no cluster runs here); its terminal event is read from Nestor's SSE stream. ` +
      `The floor: the same number of deployment lifecycles as bare knex writes on the same kind of database ` +
      `(insert + ${PHASE_CHANGES} optimistic updates of a document of the deployment's size, an event appended through a counter row for each, as many at once as the coordinator runs).`,
    table: {
      columns: [
        'store, coordinator',
        'wall (s)',
        'submissions/s',
        'submit→Ready p50 (ms)',
        'submit→Ready p99 (ms)',
        'POST p50 / p99 (ms)',
        'failed + rejected',
        'backend CPU a deployment (ms)',
        'storage floor (s)',
        'vs floor',
      ],
      rows: runs.map(r => [
        r.store,
        (r.wallMs / 1000).toFixed(2),
        r.perSecond.toFixed(1),
        fmt(r.endToEndP50),
        fmt(r.endToEndP99),
        `${fmt(r.submitP50)} / ${fmt(r.submitP99)}`,
        String(r.failed + r.rejected),
        (r.backendCpuMs / r.submissions).toFixed(1),
        (r.floorMs / 1000).toFixed(2),
        `${(r.wallMs / r.floorMs).toFixed(1)}×`,
      ]),
    },
    targets,
    notes: [
      'Wall time: from the first POST to the last terminal event. "vs floor" is Nestor\'s wall time over the floor\'s: what the checks, the coordinator, the engine, the delivery, HTTP and SSE cost above the bare writes.',
      "Backend CPU: CPU time of the backend process over the same window, divided by the submissions. When it is well under the wall time, the run waited (on the coordinator's concurrency, on round trips, on a busy machine) rather than computed.",
      ...runs.map(
        r =>
          `${r.store}: median time in each phase ${phases
            .map(p => `${p} ${r.phaseP50[p] ?? '–'} ms`)
            .join(', ')} (Pending includes the wait for a coordinator slot); ` +
          `deployment document ${r.documentBytes} B, terminal event ${
            r.eventBytes
          } B (the sizes the floor writes); backend CPU ${(
            r.backendCpuMs / 1000
          ).toFixed(1)} s, load generator and Kubernetes test server CPU ${(
            r.clientCpuMs / 1000
          ).toFixed(1)} s.`,
      ),
      ...errors.map(e => `did not run: ${e}`),
    ],
  };
}
