import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { DeploymentRequestInput, NestorEvent, ResourceDefinition, TeamConfigInput, deploymentRequestSchema, teamConfigSchema } from '@nestor/plugin-nestor-common';
import { DeploymentEngine } from '@nestor/plugin-nestor-node';
import { createTestResourceDefinition } from '@nestor/plugin-nestor-node/testUtils';
import { GitHttpServer, GitWorkTree } from '@nestor/test-utils';
import { DatabaseNestorStore } from '../../../stores/database/DatabaseNestorStore';
import { Caller } from '../../caller/CallerResolver';
import { DefinitionCatalog } from '../../dependencies/DefinitionCatalog';
import { EngineRegistry } from '../../engines/EngineRegistry';
import { ArgoCdApps } from '../../gitops/argocd/ArgoCdApps';
import { GitOpsDelivery } from '../../gitops/GitOpsDelivery';
import { GitRepositoryCommitter } from '../../gitops/GitRepositoryCommitter';
import { PullRequestClients } from '../../gitops/pullRequests/PullRequestClients';
import { KubernetesClusterConfig } from '../../kubernetes/KubernetesClusterClient';
import { KubernetesClusters } from '../../kubernetes/KubernetesClusters';
import { CircuitBreakers } from '../../resilience/CircuitBreakers';
import { AdmissionPipeline } from '../admission/AdmissionPipeline';
import { createAdmissionChecks } from '../admission/createAdmissionChecks';
import { Coordinator } from '../Coordinator';
import { DeploymentRunner } from '../DeploymentRunner';
import { DeploymentService } from '../DeploymentService';
import { TestEngine } from './TestEngine';

/** A caller acting for the given teams. */
export function testCaller(teams: string[] | '*' = ['team-a'], principal = 'user:default/jane'): Caller {
  return { kind: 'user', principal, credentials: mockCredentials.user(principal), teams };
}

/** A parsed request for `cache` by team-a in dev, with overrides. */
export function testRequest(overrides: Partial<DeploymentRequestInput> = {}) {
  return deploymentRequestSchema.parse({ team: 'team-a', environment: 'dev', name: 'orders-cache', resource: 'cache', parameters: { size: 'small' }, ...overrides });
}

/** The buffet item most tests order: engine `test`, parameters with defaults. */
export function testDefinition(overrides: Partial<{ name: string; version: string; environments: string[] }> = {}): ResourceDefinition {
  const definition = createTestResourceDefinition({
    name: overrides.name ?? 'cache',
    version: overrides.version ?? '1.0.0',
    engine: 'test',
    environments: overrides.environments ?? ['dev', 'prod'],
    parameters: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['small', 'large'] },
        replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
        tier: { type: 'string', default: 'standard' },
      },
    },
  });
  return definition;
}

/** Everything a coordinator test needs, on a real database and a real Git server. */
export interface DeploymentHarness {
  store: DatabaseNestorStore;
  git: GitHttpServer;
  repo: string;
  engine: TestEngine;
  service: DeploymentService;
  runner: DeploymentRunner;
  committer: GitRepositoryCommitter;
  /** a coordinator of another replica (its own owner id); started */
  coordinator(
    owner: string,
    overrides?: Partial<{ leaseMs: number; pollIntervalMs: number; perTeamConcurrency: number; concurrency: number; dead: () => boolean }>,
  ): Coordinator;
  /** every event appended so far, in order */
  events(): Promise<NestorEvent[]>;
  /** a work tree of the GitOps repository at its current head */
  checkout(): Promise<GitWorkTree>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Starts a harness: teams `team-a` and `team-b` delivering to one GitOps repository, items from `definitions`. */
export async function startDeploymentHarness(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  definitions?: ResourceDefinition[];
  engine?: DeploymentEngine;
  maxAttempts?: number;
  teamOverrides?: Partial<TeamConfigInput['spec']>;
  /** the teams' GitOps strategy; `direct` by default */
  strategy?: 'direct' | 'pull-request';
  /** the GitOps repository's name on the Git server (`owner/name` for pull-request hosts); `infra` by default */
  repoName?: string;
  /** pull-request clients, given the Git server's base URL (for the `pull-request` strategy) */
  pullRequests?: (gitBaseUrl: string) => PullRequestClients;
  /** Argo CD instances the runner reads sync status and health from */
  argocd?: ArgoCdApps;
  clusters?: KubernetesClusterConfig[];
  /** the circuit breakers Git and Kubernetes calls go through (a default set otherwise) */
  breakers?: CircuitBreakers;
  /** the logger of the service, runner and coordinators (silent otherwise) */
  logger?: LoggerService;
}): Promise<DeploymentHarness> {
  const knex = await options.databases.init(options.databaseId);
  const store = await DatabaseNestorStore.create({ database: { getClient: async () => knex } });
  const git = await GitHttpServer.start();
  const repo = await git.createRepo(options.repoName ?? 'infra');
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-deployments-'));
  const logger = options.logger ?? mockServices.rootLogger({ level: 'none' });
  const engine = (options.engine as TestEngine | undefined) ?? new TestEngine();

  await store.catalog.applyChanges(
    {
      upserts: (options.definitions ?? [testDefinition()]).map(definition => ({
        definition,
        source: { id: 'platform', url: 'https://git.example.com/platform.git', path: `${definition.metadata.name}.yaml`, commit: 'c0ffee' },
      })),
      deletes: [],
    },
    {},
  );
  const team = (id: string) => ({
    id,
    config: teamConfigSchema.parse({
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'TeamConfig',
      metadata: { name: id },
      spec: { environments: ['dev', 'prod'], gitops: { repo, branch: 'main', path: 'nestor', strategy: options.strategy ?? 'direct' }, ...options.teamOverrides },
    }),
    source: { id: 'platform', path: 'teams.yaml', commit: 'c0ffee' },
    updatedAt: new Date().toISOString(),
  });
  await store.teams.putTeams([team('team-a'), team('team-b'), team('team-platform')]);

  const events = { publish: (e: Parameters<typeof store.events.append>[0]) => store.events.append(e) };
  const engines = EngineRegistry.create([engine]);
  const clusters = KubernetesClusters.create({ clusters: options.clusters ?? [], breakers: options.breakers });
  const committer = GitRepositoryCommitter.create({ workDir, author: { name: 'Nestor', email: 'nestor@example.org' }, breakers: options.breakers });
  const delivery = GitOpsDelivery.create({
    committer,
    commitMessage: 'nestor: {{action}} {{ref}} (revision {{revision}}) by {{requester}}',
    pullRequests: options.pullRequests?.(git.baseUrl),
  });
  const runner = DeploymentRunner.create({
    store,
    engines,
    delivery,
    argocd: options.argocd,
    clusters,
    events,
    logger,
    maxAttempts: options.maxAttempts ?? 3,
    backoffMs: 20,
    statusPollMs: 50,
  });
  const coordinators: Coordinator[] = [];
  const service = DeploymentService.create({
    store,
    events,
    logger,
    admission: AdmissionPipeline.create(createAdmissionChecks({ teams: store.teams, engines, clusters })),
    resolveDefinition: async (name, range) => {
      const definitions = new DefinitionCatalog(store.catalog);
      await definitions.load([name]);
      return definitions.resolve(name, range);
    },
    // every replica is offered the work (they race for its lease) as if it had admitted it
    onWork: deployment => coordinators.forEach(c => c.offer(deployment)),
  });
  const checkouts: GitWorkTree[] = [];
  return {
    store,
    git,
    repo,
    engine,
    service,
    runner,
    committer,
    coordinator(owner, overrides = {}) {
      const deployments = store.deployments;
      const c = Coordinator.create({
        // a dead replica neither renews nor takes leases any more
        store: {
          get: id => deployments.get(id),
          findUnleased: (phases, limit) => deployments.findUnleased(phases, limit),
          releaseLease: (id, o) => (overrides.dead?.() ? Promise.resolve() : deployments.releaseLease(id, o)),
          acquireLease: (id, o, ttl, at) => (overrides.dead?.() ? Promise.resolve(false) : deployments.acquireLease(id, o, ttl, at)),
        },
        runner,
        logger,
        owner,
        pollIntervalMs: overrides.pollIntervalMs ?? 20,
        leaseMs: overrides.leaseMs ?? 2000,
        concurrency: overrides.concurrency ?? 4,
        perTeamConcurrency: overrides.perTeamConcurrency ?? 4,
      });
      coordinators.push(c);
      c.start();
      return c;
    },
    events: () => store.events.readAfter({ afterId: 0, limit: 100_000 }),
    async checkout() {
      const tree = await GitWorkTree.create(repo);
      checkouts.push(tree);
      await tree.git('fetch', '--quiet', 'origin', 'main');
      await tree.git('checkout', '--quiet', '-B', 'main', 'origin/main');
      return tree;
    },
    async waitFor(what, probe, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 25));
      }
    },
    async stop() {
      await Promise.all(coordinators.map(c => c.stop()));
      for (const t of checkouts) await t.remove();
      await git.stop();
      await fs.rm(workDir, { recursive: true, force: true });
      await knex.destroy();
    },
  };
}
