import { NotFoundError } from '@backstage/errors';
import { Deployment, GitopsTarget, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { DeploymentStore, TeamStore } from '@nestor/plugin-nestor-node';
import { NestorEventPublisher } from '../events/types';
import { ArgoCdApps } from './argocd/ArgoCdApps';
import { GitRemoteHeads } from './GitRemoteHeads';

/** Which teams and environments a caller may read (as the deployment routes decide it). @public */
export interface GitOpsReadScope {
  any: boolean;
  /** undefined: every team */
  teams?: string[];
  matches(resource: { team: string; environment: string }): boolean;
}

/** One pull request Nestor opened that is not merged yet. @public */
export interface GitOpsPendingPullRequest {
  ref: string;
  deploymentId: string;
  revision: number;
  url: string;
  branch?: string;
  commit?: string;
}

/** A GitOps repository branch some readable teams deliver to. @public */
export interface GitOpsRepoStatus {
  repo: string;
  branch: string;
  teams: string[];
  strategies: GitopsTarget['strategy'][];
  lastCommit: { sha: string } | null;
  /** set when the repository could not be read */
  error?: string;
  pendingPullRequests: GitOpsPendingPullRequest[];
}

/** A team/environment Argo CD application. @public */
export interface GitOpsAppStatus {
  name: string;
  instance: string;
  team: string;
  environment: string;
  /** false until Nestor created the app (the team's first GitOps deployment there) */
  exists: boolean;
  sync: string | null;
  health: string | null;
  revision: string | null;
  message?: string;
  error?: string;
}

/** One commit Nestor made for a deployment revision. @public */
export interface GitOpsHistoryItem {
  ref: string;
  team: string;
  environment: string;
  deploymentId: string;
  revision: number;
  repo?: string;
  branch?: string;
  path?: string;
  commit: string;
  message?: string;
  committedAt: string;
  pullRequestUrl?: string;
  mergeCommit?: string;
}

/** What a sync request did for one app. @public */
export interface GitOpsSyncResult {
  app: string;
  instance: string;
  team: string;
  environment: string;
  triggered: boolean;
  message: string;
}

interface TeamApp {
  team: string;
  environment: string;
  target: GitopsTarget;
}

/**
 * What `/gitops/*` answers: the repositories and Argo CD applications of the
 * teams a caller may read, syncs of those apps, and the commits Nestor made.
 * History is read from the deployments' revisions (each keeps the delivery
 * record of its commit: repo, branch, sha, message, time, pull request), so
 * no second record is kept; a teardown's commit is in the `gitops.committed`
 * events only.
 * @public
 */
export class GitOpsOverview {
  readonly #teams: Pick<TeamStore, 'listTeams'>;
  readonly #deployments: Pick<DeploymentStore, 'list'>;
  readonly #argocd: ArgoCdApps;
  readonly #heads: GitRemoteHeads;
  readonly #events?: NestorEventPublisher;

  static create(options: {
    teams: Pick<TeamStore, 'listTeams'>;
    deployments: Pick<DeploymentStore, 'list'>;
    argocd: ArgoCdApps;
    heads: GitRemoteHeads;
    events?: NestorEventPublisher;
  }): GitOpsOverview {
    return new GitOpsOverview(options);
  }

  private constructor(options: Parameters<typeof GitOpsOverview.create>[0]) {
    this.#teams = options.teams;
    this.#deployments = options.deployments;
    this.#argocd = options.argocd;
    this.#heads = options.heads;
    this.#events = options.events;
  }

  get argoCdEnabled(): boolean {
    return this.#argocd.enabled;
  }

  /** The team/environment pairs with a GitOps target the scope may read. */
  async apps(scope: GitOpsReadScope): Promise<TeamApp[]> {
    if (!scope.any) return [];
    const teams = (await this.#teams.listTeams()).filter(t => !scope.teams || scope.teams.includes(t.id));
    return teams.flatMap(t => {
      const target = t.config.spec.gitops;
      if (!target) return [];
      return t.config.spec.environments.filter(environment => scope.matches({ team: t.id, environment })).map(environment => ({ team: t.id, environment, target }));
    });
  }

  async status(scope: GitOpsReadScope): Promise<{ repos: GitOpsRepoStatus[]; apps: GitOpsAppStatus[] }> {
    const apps = await this.apps(scope);
    const repos = new Map<string, GitOpsRepoStatus>();
    for (const { team, target } of apps) {
      const key = `${target.repo}#${target.branch}`;
      const repo = repos.get(key) ?? { repo: target.repo, branch: target.branch, teams: [], strategies: [], lastCommit: null, pendingPullRequests: [] };
      if (!repo.teams.includes(team)) repo.teams.push(team);
      if (!repo.strategies.includes(target.strategy)) repo.strategies.push(target.strategy);
      repos.set(key, repo);
    }
    const pending = await this.#pendingPullRequests(scope);
    await Promise.all(
      [...repos.values()].map(async repo => {
        repo.pendingPullRequests = pending.filter(p => p.repo === repo.repo && repo.teams.includes(p.team)).map(p => p.pull);
        try {
          const sha = await this.#heads.head(repo.repo, repo.branch);
          repo.lastCommit = sha ? { sha } : null;
        } catch (error) {
          repo.error = `could not read ${repo.repo}#${repo.branch}: ${(error as Error).message}`;
        }
      }),
    );
    const appStatuses = this.#argocd.enabled ? await Promise.all(apps.map(a => this.#appStatus(a))) : [];
    return { repos: [...repos.values()], apps: appStatuses };
  }

  /** Triggers a sync of one app (by name) or of every existing app of a team the scope may read. */
  async sync(scope: GitOpsReadScope, what: { app?: string; team?: string }): Promise<GitOpsSyncResult[]> {
    const apps = (await this.apps(scope)).filter(a =>
      what.app ? ArgoCdApps.appName(a.team, a.environment) === what.app : a.team === what.team,
    );
    if (apps.length === 0) {
      throw new NotFoundError(what.app ? `No Argo CD application "${what.app}" among the teams you may read` : `No GitOps environments of team "${what.team}" you may read`);
    }
    const results: GitOpsSyncResult[] = [];
    for (const a of apps) {
      const client = this.#argocd.clientFor(a.target)!;
      const name = ArgoCdApps.appName(a.team, a.environment);
      const base = { app: name, instance: client.config.name, team: a.team, environment: a.environment };
      if (!(await client.getApplication(name))) {
        results.push({ ...base, triggered: false, message: 'not created yet: the team has no GitOps deployment in this environment' });
        continue;
      }
      await client.sync(name, { revision: a.target.branch });
      results.push({ ...base, triggered: true, message: `sync of ${a.target.branch} triggered` });
    }
    const events: NewNestorEvent[] = results
      .filter(r => r.triggered)
      .map(r => ({ type: 'gitops.synced', team: r.team, ref: r.app, payload: { ...r, requested: true } }));
    if (events.length > 0) await this.#events?.publish(events);
    return results;
  }

  /** Commits Nestor made, newest first within a page of deployments (pages follow deployment creation order). */
  async history(
    scope: GitOpsReadScope,
    query: { team?: string; environment?: string; ref?: string; limit: number; cursor?: string },
  ): Promise<{ items: GitOpsHistoryItem[]; nextCursor?: string }> {
    if (!scope.any) return { items: [] };
    const page = await this.#deployments.list({ team: query.team, environment: query.environment, teams: scope.teams, limit: query.limit, cursor: query.cursor });
    const items = page.items
      .filter(d => scope.matches(d) && (!query.ref || d.ref === query.ref))
      .flatMap(historyItems)
      .sort((a, b) => b.committedAt.localeCompare(a.committedAt));
    return { items, nextCursor: page.nextCursor };
  }

  async #appStatus(a: TeamApp): Promise<GitOpsAppStatus> {
    const name = ArgoCdApps.appName(a.team, a.environment);
    const base = { name, team: a.team, environment: a.environment };
    let instance = a.target.argocd?.instance ?? '';
    try {
      const client = this.#argocd.clientFor(a.target)!;
      instance = client.config.name;
      const app = await client.getApplication(name);
      const status = app?.status;
      return {
        ...base,
        instance,
        exists: Boolean(app),
        sync: status?.sync?.status ?? null,
        health: status?.health?.status ?? null,
        revision: status?.sync?.revision ?? null,
        ...(status?.health?.message ?? status?.operationState?.message ? { message: status?.health?.message ?? status?.operationState?.message } : {}),
      };
    } catch (error) {
      return { ...base, instance, exists: false, sync: null, health: null, revision: null, error: (error as Error).message };
    }
  }

  async #pendingPullRequests(scope: GitOpsReadScope) {
    const found: Array<{ repo?: string; team: string; pull: GitOpsPendingPullRequest }> = [];
    let cursor: string | undefined;
    do {
      const page = await this.#deployments.list({ phase: 'Committed', teams: scope.teams, limit: 500, cursor });
      for (const d of page.items.filter(x => scope.matches(x))) {
        const revision = d.revisions.find(r => r.revision === d.currentRevision);
        const delivery = revision?.delivery;
        if (!delivery?.pullRequestUrl) continue;
        found.push({
          repo: delivery.repo,
          team: d.team,
          pull: { ref: d.ref, deploymentId: d.id, revision: d.currentRevision, url: delivery.pullRequestUrl, branch: delivery.branch, commit: delivery.commit },
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }
}

function historyItems(d: Deployment): GitOpsHistoryItem[] {
  return d.revisions.flatMap(r => {
    const x = r.delivery;
    if (x?.mode !== 'gitops' || !x.commit) return [];
    return [
      {
        ref: d.ref,
        team: d.team,
        environment: d.environment,
        deploymentId: d.id,
        revision: r.revision,
        repo: x.repo,
        branch: x.branch,
        path: x.path,
        commit: x.commit,
        ...(x.message ? { message: x.message } : {}),
        committedAt: x.committedAt ?? r.createdAt,
        ...(x.pullRequestUrl ? { pullRequestUrl: x.pullRequestUrl } : {}),
        ...(x.mergeCommit ? { mergeCommit: x.mergeCommit } : {}),
      },
    ];
  });
}
