import { Artifact, DeliveryRecord, Deployment, GitopsTarget, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineGitopsLocation } from '@nestor/plugin-nestor-node';
import { PullRequestClients } from './pullRequests/PullRequestClients';
import { PullRequestState } from './pullRequests/types';
import { CommitMessageValues, renderCommitMessage } from './renderCommitMessage';
import { GitOpsCommitter } from './types';

/** A delivery that was made, and whether it changed the repository. @public */
export type GitOpsDeliveryResult = DeliveryRecord & { mode: 'gitops'; changed: boolean };

/**
 * Delivers deployments to their team's GitOps repository
 * (`TeamConfig.spec.gitops`): a deployment's files under
 * `<path>/<environment>/<name>/`, a buffet item's platform files (an XRD and
 * its Composition) under `<path>/_platform/<item>/` of the owner team's
 * repository. Commit messages come from `nestor.gitops.commitMessage`, with
 * trailers naming the deployment. The `direct` strategy pushes to the branch;
 * `pull-request` pushes a branch per deployment revision
 * (`<branchPrefix><ref>/r<revision>`, started from the target branch) and
 * opens a pull (merge) request on GitHub, GitLab or Gitea; the record carries
 * its URL and the deployment waits until it is merged. A change the target
 * branch already has (a buffet item's platform files merged for an earlier
 * deployment) gets no branch and no pull request. A branch left by an earlier
 * attempt at the same revision is reused, and so is its open pull request.
 * @public
 */
export interface GitOpsDeliveryOptions {
  committer: GitOpsCommitter;
  commitMessage: string;
  pullRequests?: PullRequestClients;
  pullRequest?: { branchPrefix: string; title: string };
}

/** @public */
export class GitOpsDelivery {
  readonly #committer: GitOpsCommitter;
  readonly #template: string;
  readonly #pullRequests?: PullRequestClients;
  readonly #pr: { branchPrefix: string; title: string };

  static create(options: GitOpsDeliveryOptions): GitOpsDelivery {
    return new GitOpsDelivery(options);
  }

  private constructor(options: GitOpsDeliveryOptions) {
    this.#committer = options.committer;
    this.#template = options.commitMessage;
    this.#pullRequests = options.pullRequests;
    this.#pr = options.pullRequest ?? { branchPrefix: 'nestor/', title: 'nestor: {{action}} {{ref}} (revision {{revision}})' };
  }

  /** The state of the pull request a delivery opened (`pull-request` strategy). */
  async pullRequestState(record: { repo?: string; pullRequestUrl?: string }): Promise<PullRequestState> {
    const number = Number(record.pullRequestUrl?.match(/(\d+)\/?$/)?.[1]);
    if (!record.repo || !Number.isInteger(number)) throw new Error(`no pull request number in ${record.pullRequestUrl}`);
    return this.#requirePullRequests().forRepo(record.repo).get({ repo: record.repo, number });
  }

  /**
   * The files that keep a delivery's pull request from merging (see
   * {@link GitOpsCommitter.conflictingFiles}); undefined when they cannot be told.
   */
  async conflictingFiles(record: { repo?: string; branch?: string; path?: string; commit?: string }, baseBranch: string): Promise<string[] | undefined> {
    const { repo, branch, path, commit } = record;
    if (!repo || !branch || !path || !commit) return undefined;
    return this.#committer.conflictingFiles({ repo, branch, baseBranch, folder: path, commit });
  }

  /** Where a deployment's files live in its team's repository. */
  location(target: GitopsTarget, deployment: Pick<Deployment, 'environment' | 'name'>): EngineGitopsLocation {
    return { repo: target.repo, branch: target.branch, path: joinPath(target.path, deployment.environment, deployment.name) };
  }

  /** Commits a deployment's files (the folder becomes exactly these files). */
  async deliver(options: {
    deployment: Deployment;
    target: GitopsTarget;
    artifacts: Artifact[];
    action: string;
  }): Promise<GitOpsDeliveryResult> {
    const { deployment, target } = options;
    const location = this.location(target, deployment);
    const values = this.#values(deployment, options.action);
    return this.#commit(target, location, options.artifacts, this.#message(deployment, options.action), { values, branchName: `${deployment.ref}/r${deployment.currentRevision}` });
  }

  /** Commits a buffet item's platform files to its owner's repository. */
  async deliverPlatform(options: {
    definition: ResourceDefinition;
    target: GitopsTarget;
    artifacts: Artifact[];
    deployment: Deployment;
  }): Promise<GitOpsDeliveryResult> {
    const { definition, target, deployment } = options;
    const location = { repo: target.repo, branch: target.branch, path: joinPath(target.path, '_platform', definition.metadata.name) };
    const values = {
      action: 'publish',
      ref: `${definition.metadata.name}@${definition.spec.version}`,
      revision: deployment.currentRevision,
      requester: deployment.requestedBy,
      resource: `${definition.metadata.name}@${definition.spec.version}`,
    };
    const message = renderCommitMessage(this.#template, values, {
      'Nestor-Resource': `${definition.metadata.name}@${definition.spec.version}`,
      'Nestor-Requested-For': deployment.ref,
    });
    return this.#commit(target, location, options.artifacts, message, { values, branchName: `_platform/${definition.metadata.name}-${definition.spec.version}` });
  }

  /** Removes a deployment's folder. */
  async remove(options: { deployment: Deployment; target: GitopsTarget }): Promise<GitOpsDeliveryResult> {
    const { deployment, target } = options;
    return this.#commit(target, this.location(target, deployment), [], this.#message(deployment, 'delete'), {
      values: this.#values(deployment, 'delete'),
      branchName: `${deployment.ref}/delete-r${deployment.currentRevision}`,
    });
  }

  async #commit(
    target: GitopsTarget,
    location: EngineGitopsLocation,
    artifacts: Artifact[],
    message: string,
    pr: { values: CommitMessageValues; branchName: string },
  ): Promise<GitOpsDeliveryResult> {
    const pullRequest = target.strategy === 'pull-request';
    const client = pullRequest ? this.#requirePullRequests().forRepo(location.repo) : undefined;
    const branch = pullRequest ? `${this.#pr.branchPrefix}${pr.branchName}` : location.branch;
    const result = await this.#committer.commit({
      repo: location.repo,
      branch,
      ...(pullRequest ? { baseBranch: location.branch } : {}),
      message,
      folders: [{ path: location.path, files: artifacts.map(a => ({ path: a.path, content: a.content })) }],
    });
    const record: GitOpsDeliveryResult = {
      mode: 'gitops',
      repo: location.repo,
      // already on the target branch: no pull request to open
      branch: result.alreadyOnBase ? location.branch : branch,
      path: location.path,
      commit: result.commit,
      message,
      committedAt: new Date().toISOString(),
      changed: result.changed,
    };
    if (!client || result.alreadyOnBase) return record;
    const opened = await client.open({
      repo: location.repo,
      head: branch,
      base: location.branch,
      title: renderCommitMessage(this.#pr.title, pr.values).trim(),
      body: message,
    });
    return { ...record, pullRequestUrl: opened.url };
  }

  #requirePullRequests(): PullRequestClients {
    if (!this.#pullRequests) throw new Error('GitOps strategy "pull-request" is not configured on this backend (no pull-request clients)');
    return this.#pullRequests;
  }

  #values(deployment: Deployment, action: string): CommitMessageValues {
    const revision = deployment.revisions.find(r => r.revision === deployment.currentRevision);
    return {
      action,
      ref: deployment.ref,
      revision: deployment.currentRevision,
      requester: revision?.requestedBy ?? deployment.requestedBy,
      resource: `${deployment.resource.name}@${deployment.resource.version}`,
    };
  }

  #message(deployment: Deployment, action: string): string {
    return renderCommitMessage(this.#template, this.#values(deployment, action), {
      'Nestor-Ref': deployment.ref,
      'Nestor-Deployment-Id': deployment.id,
      'Nestor-Revision': String(deployment.currentRevision),
    });
  }
}

function joinPath(...parts: string[]): string {
  return parts
    .flatMap(p => p.split('/'))
    .filter(Boolean)
    .join('/');
}
