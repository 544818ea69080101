import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { Artifact, Condition, DeliveryRecord, Deployment, DeploymentPhase, NewNestorEvent, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { DeploymentEngine, EngineRenderContext, EngineTarget, NestorStore, readArtifactObjects, requireKubernetes } from '@nestor/plugin-nestor-node';
import { EngineRegistry } from '../engines/EngineRegistry';
import { NestorEventPublisher } from '../events/types';
import { ArgoCdApps } from '../gitops/argocd/ArgoCdApps';
import { GitOpsDelivery } from '../gitops/GitOpsDelivery';
import { PullRequestState } from '../gitops/pullRequests/types';
import { KubernetesClusters } from '../kubernetes/KubernetesClusters';
import { describeDependency, unavailableDependency } from '../resilience/unavailableDependency';
import { classifyError } from './classifyError';
import { computeBackoff } from './computeBackoff';
import { DefinitionCache } from './DefinitionCache';
import { DeploymentHooks } from './DeploymentHooks';
import { deploymentEvents } from './deploymentEvents';
import { deploymentLogFields } from './deploymentLogFields';
import { deploymentNamespace } from './deploymentNamespace';
import { PhaseChange, RUNNING_PHASES, mergeConditions, transitionDeployment, withoutConditions } from './DeploymentPhaseMachine';
import { isRollbackRevision } from './rollbackRevision';

/**
 * What the coordinator does after a step. `now` may carry the deployment as
 * the step wrote it, for the next step to start from without reading it again.
 * @public
 */
export type StepOutcome = { next: 'now'; deployment?: Deployment } | { next: 'later'; afterMs: number } | { next: 'never' };

/** Options of {@link DeploymentRunner.create}. @public */
export interface DeploymentRunnerOptions {
  store: Pick<NestorStore, 'deployments' | 'catalog' | 'teams'>;
  engines: EngineRegistry;
  delivery: GitOpsDelivery;
  /** Argo CD instances: sync status and health of GitOps deployments come from them when configured */
  argocd?: ArgoCdApps;
  clusters: KubernetesClusters;
  events: NestorEventPublisher;
  logger: LoggerService;
  hooks?: DeploymentHooks;
  /** attempts of a step failing with transient errors before the deployment fails */
  maxAttempts: number;
  backoffMs: number;
  statusPollMs: number;
  /** definitions by name and version, kept between steps; each step reads the catalog without it */
  definitions?: DefinitionCache;
}

const PLATFORM_PREFIX = '_platform/';

/** A delivery (or its platform part) that opened a pull request. */
type PullRequestRecord = (DeliveryRecord | NonNullable<DeliveryRecord['platform']>) & { pullRequestUrl: string };

/**
 * Moves one deployment one phase on: Pending (waits until its dependencies
 * run) → Validating → Rendering (the engine renders; GitOps commits) →
 * Committed or Applying (direct) → Syncing (status from the engine) → Ready,
 * RolledBack or Failed; Deleting removes what was delivered. Every write is
 * an optimistic update, every phase change is recorded and emitted. Transient
 * errors are retried with exponential backoff, `maxAttempts` times, then the
 * deployment fails with the cause. A dependency that is down (Git, Argo CD
 * or a cluster unreachable or answering 5xx, or its circuit breaker open)
 * uses no attempt: the deployment waits in its phase (condition `Retrying`,
 * reason `DependencyUnavailable`) until the breaker lets calls through
 * again, however long the outage lasts. Steps are idempotent, so a step
 * repeated after a crash (by another replica, once the lease expired) is
 * harmless.
 * @public
 */
export class DeploymentRunner {
  readonly #o: DeploymentRunnerOptions;

  static create(options: DeploymentRunnerOptions): DeploymentRunner {
    return new DeploymentRunner(options);
  }

  private constructor(options: DeploymentRunnerOptions) {
    this.#o = options;
  }

  async step(deployment: Deployment): Promise<StepOutcome> {
    try {
      switch (deployment.phase) {
        case 'Pending':
          return await this.#pending(deployment);
        case 'Validating':
          return await this.#validating(deployment);
        case 'Rendering':
          return await this.#rendering(deployment);
        case 'Committed':
          return await this.#committed(deployment);
        case 'Applying':
          return await this.#applying(deployment);
        case 'Syncing':
          return await this.#syncing(deployment);
        case 'Deleting':
          return await this.#deleting(deployment);
        default:
          return { next: 'never' };
      }
    } catch (error) {
      return this.#failed(deployment, error);
    }
  }

  /**
   * The engine of a deployment with the render context and target its steps
   * use (for work outside the phase machine, such as the drift monitor).
   */
  async engineCall(d: Deployment): Promise<{ engine: DeploymentEngine; context: EngineRenderContext; target: EngineTarget }> {
    const { definition, engine } = await this.#require(d);
    return { engine, context: await this.#context(d, definition), target: this.#target(d) };
  }

  async #pending(d: Deployment): Promise<StepOutcome> {
    if (d.dependsOn.length > 0) {
      const found = new Map((await this.#o.store.deployments.getByRefs(d.dependsOn)).map(x => [x.ref, x]));
      const waiting = d.dependsOn.filter(ref => !RUNNING_PHASES.includes(found.get(ref)?.phase as DeploymentPhase));
      if (waiting.length > 0) {
        const message = `waiting for ${waiting.map(ref => `${ref} (${found.get(ref)?.phase ?? 'not deployed'})`).join(', ')}`;
        await this.#setConditions(d, [condition('DependenciesReady', 'False', 'Waiting', message)]);
        return { next: 'later', afterMs: this.#o.statusPollMs };
      }
    }
    const moved = await this.#transition(d, 'Validating', { reason: d.dependsOn.length > 0 ? 'DependenciesReady' : 'Accepted' }, x => ({
      ...x,
      conditions: d.dependsOn.length > 0 ? mergeConditions(x.conditions, [condition('DependenciesReady', 'True', 'Ready')]) : x.conditions,
    }));
    return { next: 'now', deployment: moved };
  }

  async #validating(d: Deployment): Promise<StepOutcome> {
    const definition = await this.#definition(d);
    if (!definition) return this.#fail(d, 'DefinitionNotFound', `${d.resource.name}@${d.resource.version} is not in the catalog`);
    const engine = this.#o.engines.get(d.engine);
    if (!engine) return this.#fail(d, 'UnknownEngine', `engine "${d.engine}" is not installed`);
    const issues = await engine.validate(definition);
    if (issues.length > 0) {
      return this.#fail(d, 'InvalidDefinition', issues.map(i => `${i.field}: ${i.message}`).join('; '));
    }
    if (d.delivery === 'gitops' && !(await this.#gitopsTarget(d.team))) {
      return this.#fail(d, 'NoGitOpsTarget', `team ${d.team} has no spec.gitops repository in its TeamConfig`);
    }
    const moved = await this.#transition(d, 'Rendering', { reason: 'Validated' });
    return { next: 'now', deployment: moved };
  }

  async #rendering(input: Deployment): Promise<StepOutcome> {
    let d = input;
    const { definition, engine } = await this.#require(d);
    let keep: (x: Deployment) => Deployment = x => x;
    if (currentRevision(d).artifacts.length === 0) {
      const result = await engine.render(await this.#context(d, definition));
      const artifacts = [...result.artifacts, ...(result.platformArtifacts ?? []).map(a => ({ ...a, path: `${PLATFORM_PREFIX}${a.path}` }))];
      keep = x => ({ ...x, revisions: x.revisions.map(r => (r.revision === x.currentRevision ? { ...r, artifacts } : r)) });
      // kept before a GitOps commit; a direct delivery keeps them with its move to Applying (one write)
      if (d.delivery !== 'direct') d = await this.#save(d, keep);
    }
    if (d.delivery === 'direct') {
      const artifacts = currentRevision(keep(d)).artifacts;
      const moved = await this.#transition(d, 'Applying', { reason: 'Rendered', message: `${artifacts.length} artifact(s) rendered` }, keep);
      return { next: 'now', deployment: moved };
    }
    const target = await this.#gitopsTarget(d.team);
    if (!target) return this.#fail(d, 'NoGitOpsTarget', `team ${d.team} has no spec.gitops repository in its TeamConfig`);
    const { own, platform } = splitArtifacts(currentRevision(d).artifacts);
    const events: NewNestorEvent[] = [];
    let platformRecord: DeliveryRecord['platform'];
    if (platform.length > 0) {
      const ownerTarget = (await this.#gitopsTarget(definition.metadata.owner)) ?? target;
      const published = await this.#o.delivery.deliverPlatform({ definition, target: ownerTarget, artifacts: platform, deployment: d });
      if (published.changed) events.push(...deploymentEvents.committed(d, { ...published, action: 'publish' }));
      const { repo, branch, path, commit, pullRequestUrl } = published;
      platformRecord = { repo: repo!, branch: branch!, path: path!, commit: commit!, ...(pullRequestUrl ? { pullRequestUrl } : {}) };
    }
    const action = isRollbackRevision(currentRevision(d)) ? 'rollback' : 'deploy';
    const { changed, ...delivered } = await this.#o.delivery.deliver({ deployment: d, target, artifacts: own, action });
    const record: DeliveryRecord = { ...delivered, ...(platformRecord ? { platform: platformRecord } : {}) };
    const moved = await this.#transition(
      d,
      'Committed',
      { reason: 'Committed', message: `${changed ? 'committed' : 'already at'} ${record.commit?.slice(0, 12)} on ${record.branch} of ${record.repo} (${record.path})` },
      x => ({ ...x, revisions: x.revisions.map(r => (r.revision === x.currentRevision ? { ...r, delivery: record } : r)) }),
      [...events, ...deploymentEvents.committed(d, { ...record, action })],
    );
    return { next: 'now', deployment: moved };
  }

  async #applying(d: Deployment): Promise<StepOutcome> {
    const { definition, engine } = await this.#require(d);
    const target = this.#target(d);
    const { own, platform } = splitArtifacts(currentRevision(d).artifacts);
    const context = await this.#context(d, definition);
    if (engine.apply) await engine.apply(context, { artifacts: own, platformArtifacts: platform }, target);
    else await requireKubernetes(target, context, engine.name).apply(readArtifactObjects([...platform, ...own]));
    const moved = await this.#transition(d, 'Syncing', { reason: 'Applied', message: `applied to cluster ${target.cluster}` }, x => ({
      ...x,
      revisions: x.revisions.map(r => (r.revision === x.currentRevision ? { ...r, delivery: { mode: 'direct', cluster: target.cluster } } : r)),
    }));
    return { next: 'now', deployment: moved };
  }

  /**
   * Waits for the pull requests of a `pull-request` delivery to be merged
   * (polled): the deployment's own, and its item's platform files' (the
   * claim must not land before its XRD). One that conflicts with its base is
   * named in the condition, with the conflicting files, and still waited
   * for: a person resolves it in the pull request. Then waits for the sync.
   */
  async #committed(d: Deployment): Promise<StepOutcome> {
    const delivery = currentRevision(d).delivery;
    const pulls = [delivery, delivery?.platform].filter((r): r is PullRequestRecord => Boolean(r?.pullRequestUrl));
    if (pulls.length === 0) {
      const moved = await this.#transition(d, 'Syncing', { reason: 'WaitingForSync', message: 'waiting for the GitOps controller to apply the commit' });
      return { next: 'now', deployment: moved };
    }
    const states = await Promise.all(pulls.map(async record => ({ record, pr: await this.#o.delivery.pullRequestState(record) })));
    const closed = states.find(s => s.pr.state === 'closed');
    if (closed) return this.#fail(d, 'PullRequestClosed', `pull request ${closed.record.pullRequestUrl} was closed without merging`);
    const open = states.filter(s => s.pr.state === 'open');
    if (open.length > 0) {
      const waiting = await Promise.all(open.map(s => this.#waitingFor(d, s.record, s.pr)));
      const reason = open.some(s => s.pr.conflicts) ? 'Conflict' : 'Open';
      await this.#setConditions(d, [condition('PullRequestMerged', 'False', reason, waiting.join('; '))]);
      return { next: 'later', afterMs: this.#o.statusPollMs };
    }
    // the merge commits are kept beside Nestor's own commits
    const mergeCommit = (record: object | undefined) => {
      const pr = states.find(s => s.record === record)?.pr;
      return pr?.mergeCommit ? { mergeCommit: pr.mergeCommit } : {};
    };
    const platform = delivery!.platform;
    const merged: DeliveryRecord = { ...delivery!, ...mergeCommit(delivery), ...(platform ? { platform: { ...platform, ...mergeCommit(platform) } } : {}) };
    const message = states.map(s => `${s.record.pullRequestUrl} merged${s.pr.mergeCommit ? ` as ${s.pr.mergeCommit.slice(0, 12)}` : ''}`).join('; ');
    const moved = await this.#transition(d, 'Syncing', { reason: 'PullRequestMerged', message }, x => ({
      ...x,
      conditions: mergeConditions(x.conditions, [condition('PullRequestMerged', 'True', 'Merged', pulls.map(p => p.pullRequestUrl).join(', '))]),
      revisions: x.revisions.map(r => (r.revision === x.currentRevision ? { ...r, delivery: merged } : r)),
    }));
    return { next: 'now', deployment: moved };
  }

  /** Why a deployment still waits for an open pull request: not merged yet, or conflicting (with the files, when they can be told). */
  async #waitingFor(d: Deployment, record: PullRequestRecord, pr: PullRequestState): Promise<string> {
    if (!pr.conflicts) return `waiting for ${record.pullRequestUrl} to be merged`;
    const base = pr.base ?? 'its base branch';
    let files: string[] | undefined;
    try {
      files = pr.base ? await this.#o.delivery.conflictingFiles(record, pr.base) : undefined;
    } catch (error) {
      // the host's answer is enough to wait on; the files are a courtesy
      this.#log(d).warn(`${d.ref}: could not tell the conflicting files of ${record.pullRequestUrl}: ${error}`);
    }
    const where = files && files.length > 0 ? ` in ${files.join(', ')}` : '';
    return `${record.pullRequestUrl} cannot be merged: it conflicts with ${base}${where}; resolve the conflict in the pull request, the deployment goes on once it is merged`;
  }

  async #syncing(d: Deployment): Promise<StepOutcome> {
    const delivery = currentRevision(d).delivery;
    const target = delivery?.mode === 'gitops' && this.#o.argocd?.enabled ? await this.#gitopsTarget(d.team) : undefined;
    const argo = target ? await this.#o.argocd!.status(d, target, delivery?.mergeCommit ?? delivery?.commit) : undefined;
    if (argo && (argo.phase !== 'Ready' || !this.#o.clusters.forEnvironment(d.environment))) {
      const conditions = mergeConditions(withoutConditions(d.conditions, ['Retrying']), argo.conditions);
      if (argo.phase === 'Failed') return this.#fail(d, 'ArgoCdDegraded', argo.message, conditions);
      if (argo.phase === 'Ready') {
        const to = isRollbackRevision(currentRevision(d)) ? 'RolledBack' : 'Ready';
        await this.#transition(d, to, { reason: to, message: argo.message }, x => ({ ...x, conditions }));
        return { next: 'never' };
      }
      await this.#setConditions(d, argo.conditions);
      return { next: 'later', afterMs: this.#o.statusPollMs };
    }
    const { definition, engine } = await this.#require(d);
    const status = await engine.status(await this.#context(d, definition), this.#target(d));
    const conditions = mergeConditions(withoutConditions(d.conditions, ['Retrying']), status.conditions);
    if (status.phase === 'Ready') {
      const to = isRollbackRevision(currentRevision(d)) ? 'RolledBack' : 'Ready';
      await this.#transition(d, to, { reason: to, message: status.message }, x => ({ ...x, conditions, outputs: status.outputs ?? {} }));
      return { next: 'never' };
    }
    if (status.phase === 'Failed') return this.#fail(d, 'EngineReportedFailure', status.message ?? 'the engine reports a failure', conditions);
    await this.#setConditions(d, status.conditions);
    return { next: 'later', afterMs: this.#o.statusPollMs };
  }

  async #deleting(d: Deployment): Promise<StepOutcome> {
    const entered = [...d.history].reverse().find(h => h.phase === 'Deleting');
    const final: DeploymentPhase = entered?.reason === 'CancelRequested' ? 'Cancelled' : 'Deleted';
    const events: NewNestorEvent[] = [];
    const modes = new Set(d.revisions.map(r => r.delivery?.mode).filter(Boolean));
    if (modes.has('gitops')) {
      const target = await this.#gitopsTarget(d.team);
      if (target) {
        const { changed, ...record } = await this.#o.delivery.remove({ deployment: d, target });
        if (changed) events.push(...deploymentEvents.committed(d, { ...record, action: 'delete' }));
      }
    }
    if (modes.has('direct')) {
      const definition = await this.#definition(d);
      const engine = this.#o.engines.get(d.engine);
      const target = this.#target(d);
      if (definition && engine) await engine.destroy(await this.#context(d, definition), target);
      else {
        const kubernetes = requireKubernetes(target, { deployment: d }, d.engine);
        for (const o of readArtifactObjects(splitArtifacts(currentRevision(d).artifacts).own)) {
          await kubernetes.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
        }
      }
    }
    const done = await this.#transition(d, final, { reason: final === 'Cancelled' ? 'Cancelled' : 'TornDown', message: 'everything delivered was removed' }, x => ({ ...x, outputs: {} }), events);
    await this.#o.hooks?.onRemoved?.(done);
    return { next: 'never' };
  }

  async #failed(d: Deployment, error: unknown): Promise<StepOutcome> {
    if (error instanceof ConflictError || (error as Error)?.name === 'ConflictError') return { next: 'now' };
    const unavailable = unavailableDependency(error);
    if (unavailable) return this.#waitForDependency(d, unavailable, error);
    const { transient, reason, message } = classifyError(error);
    const attempt = d.attempts + 1;
    if (transient && attempt < this.#o.maxAttempts) {
      const wait = computeBackoff(attempt, this.#o.backoffMs);
      this.#log(d).warn(`${d.ref}: ${d.phase} failed (attempt ${attempt} of ${this.#o.maxAttempts}), retrying in ${wait} ms: ${message}`);
      try {
        await this.#save(d, x => ({
          ...x,
          attempts: attempt,
          conditions: mergeConditions(x.conditions, [condition('Retrying', 'True', reason, `${d.phase}: ${message} (attempt ${attempt} of ${this.#o.maxAttempts})`)]),
        }));
      } catch (saveError) {
        if ((saveError as Error)?.name === 'ConflictError') return { next: 'now' };
        throw saveError;
      }
      return { next: 'later', afterMs: wait };
    }
    this.#log(d).warn(`${d.ref}: ${d.phase} failed${transient ? ` after ${attempt} attempts` : ''}: ${message}`);
    try {
      return await this.#fail(d, transient ? 'RetriesExhausted' : reason, transient ? `${message} (gave up after ${attempt} attempts)` : message);
    } catch (failError) {
      if ((failError as Error)?.name === 'ConflictError') return { next: 'now' };
      throw failError;
    }
  }

  /**
   * A dependency is down: no attempt is used, the deployment waits until its
   * breaker lets a call through (or the backoff, if that is longer).
   */
  async #waitForDependency(
    d: Deployment,
    unavailable: NonNullable<ReturnType<typeof unavailableDependency>>,
    error: unknown,
  ): Promise<StepOutcome> {
    const wait = Math.max(this.#o.backoffMs, unavailable.retryAfterMs ?? 0);
    const message = `${d.phase}: ${describeDependency(unavailable.dependency)} is unavailable, waiting for it: ${String((error as Error)?.message ?? error)}`;
    this.#log(d).warn(`${d.ref}: ${message}; next try in ${wait} ms`);
    try {
      await this.#setConditions(d, [condition('Retrying', 'True', 'DependencyUnavailable', message)]);
    } catch (saveError) {
      if ((saveError as Error)?.name === 'ConflictError') return { next: 'now' };
      throw saveError;
    }
    return { next: 'later', afterMs: wait };
  }

  async #fail(d: Deployment, reason: string, message: string, conditions?: Condition[]): Promise<StepOutcome> {
    const teardown = d.phase === 'Deleting';
    await this.#transition(d, 'Failed', { reason: teardown ? `TeardownFailed: ${reason}` : reason, message }, x => ({
      ...x,
      attempts: d.attempts + 1,
      conditions: mergeConditions(withoutConditions(conditions ?? x.conditions, ['Retrying']), [condition('Ready', 'False', reason, message)]),
    }));
    return { next: 'never' };
  }

  async #transition(
    d: Deployment,
    to: DeploymentPhase,
    change: PhaseChange,
    mutate: (x: Deployment) => Deployment = x => x,
    extraEvents: NewNestorEvent[] = [],
  ): Promise<Deployment> {
    // the mutation comes last, so it may set what a transition resets (the attempts of a failure)
    const next = mutate(transitionDeployment({ ...d, conditions: withoutConditions(d.conditions, ['Retrying']) }, to, change));
    const saved = await this.#o.store.deployments.update(next, d.version);
    this.#log(saved).info(`${d.ref}: ${d.phase} → ${to} (${change.reason}${change.message ? `: ${change.message}` : ''})`);
    await this.#publish([...extraEvents, ...deploymentEvents.phase(d.phase, saved)]);
    await this.#o.hooks?.onChanged?.(saved);
    return saved;
  }

  async #save(d: Deployment, mutate: (x: Deployment) => Deployment): Promise<Deployment> {
    const saved = await this.#o.store.deployments.update({ ...mutate(d), updatedAt: new Date().toISOString() }, d.version);
    await this.#o.hooks?.onChanged?.(saved);
    return saved;
  }

  async #setConditions(d: Deployment, updates: Condition[]): Promise<void> {
    const conditions = mergeConditions(d.conditions, updates);
    if (JSON.stringify(conditions) !== JSON.stringify(d.conditions)) await this.#save(d, x => ({ ...x, conditions }));
  }

  async #publish(events: NewNestorEvent[]) {
    try {
      await this.#o.events.publish(events);
    } catch (error) {
      this.#o.logger.error(`Could not publish ${events.map(e => `${e.type} ${e.ref}`).join(', ')}: ${error}`);
    }
  }

  /** A logger whose lines carry the deployment's ref, id, revision and request id. */
  #log(d: Deployment): LoggerService {
    return this.#o.logger.child(deploymentLogFields(d));
  }

  async #definition(d: Deployment): Promise<ResourceDefinition | undefined> {
    const version = currentRevision(d).definitionVersion;
    const load = async () => (await this.#o.store.catalog.getItem(d.resource.name, { version }))?.definition;
    return this.#o.definitions ? this.#o.definitions.get(d.resource.name, version, load) : load();
  }

  async #require(d: Deployment): Promise<{ definition: ResourceDefinition; engine: DeploymentEngine }> {
    const definition = await this.#definition(d);
    const engine = this.#o.engines.get(d.engine);
    if (!definition) throw Object.assign(new Error(`${d.resource.name}@${currentRevision(d).definitionVersion} is not in the catalog`), { name: 'DefinitionNotFound' });
    if (!engine) throw Object.assign(new Error(`engine "${d.engine}" is not installed`), { name: 'UnknownEngine' });
    return { definition, engine };
  }

  async #gitopsTarget(team: string) {
    return (await this.#o.store.teams.getTeam(team))?.config.spec.gitops;
  }

  #target(d: Deployment): EngineTarget {
    const kubernetes = this.#o.clusters.forEnvironment(d.environment);
    return { cluster: kubernetes?.cluster, kubernetes };
  }

  async #context(d: Deployment, definition: ResourceDefinition): Promise<EngineRenderContext> {
    const dependencies = d.dependsOn.length > 0 ? await this.#o.store.deployments.getByRefs(d.dependsOn) : [];
    const target = d.delivery === 'gitops' ? await this.#gitopsTarget(d.team) : undefined;
    return {
      definition,
      deployment: d,
      parameters: currentRevision(d).parameters,
      dependencyOutputs: Object.fromEntries(dependencies.map(x => [x.ref, x.outputs])),
      namespace: deploymentNamespace(d.team, d.environment),
      ...(target ? { gitops: this.#o.delivery.location(target, d) } : {}),
      logger: this.#log(d).child({ engine: d.engine }),
    };
  }
}

function currentRevision(d: Deployment) {
  const revision = d.revisions.find(r => r.revision === d.currentRevision);
  if (!revision) throw new Error(`deployment ${d.ref} has no revision ${d.currentRevision}`);
  return revision;
}

function splitArtifacts(artifacts: Artifact[]): { own: Artifact[]; platform: Artifact[] } {
  return {
    own: artifacts.filter(a => !a.path.startsWith(PLATFORM_PREFIX)),
    platform: artifacts.filter(a => a.path.startsWith(PLATFORM_PREFIX)).map(a => ({ ...a, path: a.path.slice(PLATFORM_PREFIX.length) })),
  };
}

function condition(type: string, status: Condition['status'], reason: string, message?: string): Condition {
  return { type, status, reason, ...(message ? { message } : {}), lastTransitionTime: new Date().toISOString() };
}
