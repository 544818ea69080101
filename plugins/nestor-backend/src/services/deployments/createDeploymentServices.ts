import os from 'node:os';
import path from 'node:path';
import { LifecycleService, LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import {
  nestorDeploymentDeletePermission,
  nestorDeploymentForceDeletePermission,
  nestorDeploymentReadPermission,
  nestorDeploymentUpdatePermission,
  nestorGitopsSyncPermission,
} from '@nestor/plugin-nestor-common';
import { NestorStore } from '@nestor/plugin-nestor-node';
import { NestorConfig } from '../../config/readNestorConfig';
import { NestorMetrics } from '../../observability/NestorMetrics';
import { AccessService } from '../../permissions/AccessService';
import { PermissionAdmissionCheck } from '../../permissions/PermissionAdmissionCheck';
import { createDeploymentsRoutes, DeploymentReadScope } from '../../routes/deployments';
import { createGitopsRoutes } from '../../routes/gitops';
import { Caller, CallerResolver } from '../caller/CallerResolver';
import { GitCredentialsResolver } from '../catalog/sources/GitCredentialsResolver';
import { DefinitionCatalog } from '../dependencies/DefinitionCatalog';
import { DependencyService } from '../dependencies/DependencyService';
import { EngineRegistry } from '../engines/EngineRegistry';
import { NestorEventPublisher } from '../events/types';
import { ArgoCdApps } from '../gitops/argocd/ArgoCdApps';
import { GitOpsDelivery } from '../gitops/GitOpsDelivery';
import { GitOpsOverview } from '../gitops/GitOpsOverview';
import { GitRemoteHeads } from '../gitops/GitRemoteHeads';
import { PullRequestClients } from '../gitops/pullRequests/PullRequestClients';
import { GitRepositoryCommitter } from '../gitops/GitRepositoryCommitter';
import { KubernetesClusters } from '../kubernetes/KubernetesClusters';
import { PolicyAdmissionCheck } from '../policies/PolicyAdmissionCheck';
import { QuotaAdmissionCheck } from '../teams/QuotaAdmissionCheck';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { QuotaService } from '../teams/QuotaService';
import { AdmissionError } from './admission/AdmissionError';
import { AdmissionPipeline } from './admission/AdmissionPipeline';
import { createAdmissionChecks } from './admission/createAdmissionChecks';
import { Coordinator } from './Coordinator';
import { DefinitionCache } from './DefinitionCache';
import { DeploymentRunner } from './DeploymentRunner';
import { DeploymentService } from './DeploymentService';
import { DriftMonitor } from './DriftMonitor';

/**
 * Builds deployment coordination: Kubernetes clusters, GitOps delivery, the
 * admission pipeline, the deployment service, the runner and this replica's
 * coordinator (started with the backend, stopped on shutdown, unless
 * `nestor.coordinator.enabled` is false), the drift monitor (scheduled by
 * the plugin), the runner's definition cache (the plugin feeds it the event
 * bus), and the deployment routes.
 * @internal
 */
export function createDeploymentServices(options: {
  config: RootConfigService;
  nestorConfig: NestorConfig;
  logger: LoggerService;
  lifecycle: LifecycleService;
  store: NestorStore;
  engines: EngineRegistry;
  events: NestorEventPublisher;
  callers: CallerResolver;
  access?: AccessService;
  checks?: { permission?: PermissionAdmissionCheck; policy?: PolicyAdmissionCheck; quota?: QuotaAdmissionCheck };
  quotas?: Pick<QuotaService, 'release'>;
  dependencies?: DependencyService;
  /** the breakers every Git, Argo CD and Kubernetes call goes through */
  breakers?: CircuitBreakers;
  metrics?: NestorMetrics;
}) {
  const { config, nestorConfig, store, access, dependencies } = options;
  const logger = options.logger.child({ service: 'deployments' });
  const breakers = options.breakers ?? CircuitBreakers.create({ settings: nestorConfig.circuitBreakers, logger });
  const clusters = KubernetesClusters.create({ clusters: nestorConfig.kubernetes.clusters, breakers });
  const credentials = GitCredentialsResolver.fromConfig(config);
  const committer = GitRepositoryCommitter.create({
    workDir: path.join(config.getOptionalString('backend.workingDirectory') ?? os.tmpdir(), 'nestor-gitops'),
    author: nestorConfig.gitops.author,
    credentials: url => credentials.resolve(url),
    logger,
    breakers,
  });
  const delivery = GitOpsDelivery.create({
    committer,
    commitMessage: nestorConfig.gitops.commitMessage,
    pullRequests: PullRequestClients.fromConfig(config, { breakers }),
    pullRequest: nestorConfig.gitops.pullRequest,
  });
  const argocd = ArgoCdApps.create({ instances: nestorConfig.argocd.instances, clientOptions: { breakers } });
  const hooks = {
    onChanged: (d: Parameters<DependencyService['onDeploymentChanged']>[0]) => {
      dependencies?.onDeploymentChanged(d);
    },
    onRemoved: async (d: { team: string; environment: string; resource: { type: string }; monthlyCost: number; ref: string }) => {
      dependencies?.onDeploymentRemoved(d.ref);
      await options.quotas?.release({ team: d.team, environment: d.environment, resourceType: d.resource.type, monthlyCost: d.monthlyCost });
    },
  };
  const coordinatorConfig = nestorConfig.coordinator;
  // dropped on every catalog change the event bus brings (the plugin feeds it)
  const definitionCache = DefinitionCache.create();
  const runner = DeploymentRunner.create({
    store,
    engines: options.engines,
    delivery,
    argocd,
    clusters,
    events: options.events,
    logger,
    hooks,
    maxAttempts: coordinatorConfig.maxAttempts,
    backoffMs: coordinatorConfig.backoffMs,
    statusPollMs: coordinatorConfig.statusPollMs,
    definitions: definitionCache,
  });
  const coordinator = Coordinator.create({
    store: store.deployments,
    runner,
    logger,
    pollIntervalMs: coordinatorConfig.pollIntervalMs,
    leaseMs: coordinatorConfig.leaseSeconds * 1000,
    concurrency: coordinatorConfig.concurrency,
    perTeamConcurrency: coordinatorConfig.perTeamConcurrency,
  });
  const driftMonitor = DriftMonitor.create({
    store: store.deployments,
    runner,
    events: options.events,
    logger: logger.child({ task: 'drift-check' }),
    metrics: options.metrics,
    leaseMs: coordinatorConfig.leaseSeconds * 1000,
    concurrency: coordinatorConfig.driftCheck.concurrency,
  });
  const admission = AdmissionPipeline.create(
    createAdmissionChecks({ teams: store.teams, engines: options.engines, clusters, dependencies, ...options.checks }),
  );
  const service = DeploymentService.create({
    store,
    events: options.events,
    admission,
    logger,
    hooks,
    resolveDefinition: async (name, range) => {
      const definitions = new DefinitionCatalog(store.catalog);
      await definitions.load([name]);
      return definitions.resolve(name, range);
    },
    onWork: deployment => coordinator.offer(deployment),
    async authorizeChange(caller, action, deployment) {
      await access?.authorizeDeployment(caller, action === 'destroy' ? nestorDeploymentDeletePermission : nestorDeploymentUpdatePermission, deployment);
      const verdict = await options.checks?.policy?.check({ caller, action, subject: deployment });
      if (verdict && !verdict.allowed) throw new AdmissionError('policy', { status: 403, reasons: verdict.reasons });
    },
    async assertCanTearDown(deployment, { force, caller }) {
      if (force) await access?.authorize(caller, nestorDeploymentForceDeletePermission);
      dependencies?.assertCanTearDown(deployment.ref, { force });
    },
  });
  const readScope = async (caller: Caller): Promise<DeploymentReadScope> => {
    if (access) {
      const scope = await access.deployments(caller, nestorDeploymentReadPermission);
      return { any: scope.any, teams: scope.scope.teams, matches: d => scope.matches(d) };
    }
    const teams = caller.teams;
    return { any: teams === '*' || teams.length > 0, teams: teams === '*' ? undefined : teams, matches: d => teams === '*' || teams.includes(d.team) };
  };
  const routes = createDeploymentsRoutes({ callers: options.callers, deployments: service, store: store.deployments, readScope });
  const overview = GitOpsOverview.create({
    teams: store.teams,
    deployments: store.deployments,
    argocd,
    heads: GitRemoteHeads.create({ credentials: url => credentials.resolve(url), breakers }),
    events: options.events,
  });
  const gitopsRoutes = createGitopsRoutes({
    callers: options.callers,
    overview,
    readScope,
    authorizeSync: async caller => {
      await access?.authorize(caller, nestorGitopsSyncPermission);
    },
  });
  if (coordinatorConfig.enabled) {
    options.lifecycle.addStartupHook(() => coordinator.start());
    options.lifecycle.addShutdownHook(() => coordinator.stop());
  }
  return { clusters, committer, delivery, argocd, overview, service, runner, definitions: definitionCache, coordinator, driftMonitor, routes, gitopsRoutes };
}
