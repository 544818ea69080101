import { NotImplementedError } from '@backstage/errors';
import { Artifact, DeliveryRecord, Deployment, GitopsTarget, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineGitopsLocation } from '@nestor/plugin-nestor-node';
import { renderCommitMessage } from './renderCommitMessage';
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
 * `pull-request` is not available yet.
 * @public
 */
export class GitOpsDelivery {
  readonly #committer: GitOpsCommitter;
  readonly #template: string;

  static create(options: { committer: GitOpsCommitter; commitMessage: string }): GitOpsDelivery {
    return new GitOpsDelivery(options);
  }

  private constructor(options: { committer: GitOpsCommitter; commitMessage: string }) {
    this.#committer = options.committer;
    this.#template = options.commitMessage;
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
    return this.#commit(target, location, options.artifacts, this.#message(deployment, options.action));
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
    const message = renderCommitMessage(
      this.#template,
      {
        action: 'publish',
        ref: `${definition.metadata.name}@${definition.spec.version}`,
        revision: deployment.currentRevision,
        requester: deployment.requestedBy,
        resource: `${definition.metadata.name}@${definition.spec.version}`,
      },
      { 'Nestor-Resource': `${definition.metadata.name}@${definition.spec.version}`, 'Nestor-Requested-For': deployment.ref },
    );
    return this.#commit(target, location, options.artifacts, message);
  }

  /** Removes a deployment's folder. */
  async remove(options: { deployment: Deployment; target: GitopsTarget }): Promise<GitOpsDeliveryResult> {
    const { deployment, target } = options;
    return this.#commit(target, this.location(target, deployment), [], this.#message(deployment, 'delete'));
  }

  async #commit(target: GitopsTarget, location: EngineGitopsLocation, artifacts: Artifact[], message: string): Promise<GitOpsDeliveryResult> {
    if (target.strategy !== 'direct') {
      throw new NotImplementedError(`GitOps strategy "${target.strategy}" is not available yet; use strategy "direct"`);
    }
    const result = await this.#committer.commit({
      repo: location.repo,
      branch: location.branch,
      message,
      folders: [{ path: location.path, files: artifacts.map(a => ({ path: a.path, content: a.content })) }],
    });
    return {
      mode: 'gitops',
      repo: location.repo,
      branch: location.branch,
      path: location.path,
      commit: result.commit,
      changed: result.changed,
    };
  }

  #message(deployment: Deployment, action: string): string {
    const revision = deployment.revisions.find(r => r.revision === deployment.currentRevision);
    return renderCommitMessage(
      this.#template,
      {
        action,
        ref: deployment.ref,
        revision: deployment.currentRevision,
        requester: revision?.requestedBy ?? deployment.requestedBy,
        resource: `${deployment.resource.name}@${deployment.resource.version}`,
      },
      {
        'Nestor-Ref': deployment.ref,
        'Nestor-Deployment-Id': deployment.id,
        'Nestor-Revision': String(deployment.currentRevision),
      },
    );
  }
}

function joinPath(...parts: string[]): string {
  return parts
    .flatMap(p => p.split('/'))
    .filter(Boolean)
    .join('/');
}
