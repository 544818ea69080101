/**
 * A commit that cannot be rebased: someone else changed the same files of a
 * deployment's folder in another way since Nestor's copy was taken. Not
 * retried; the deployment fails with the files named.
 * @public
 */
export class GitOpsConflictError extends Error {
  readonly files: string[];

  constructor(options: { repo: string; branch: string; files: string[] }) {
    super(
      `GitOps commit to ${options.repo}#${options.branch} conflicts with a concurrent change to ${options.files.join(', ')}; resolve it in the repository and retry the deployment`,
    );
    this.name = 'GitOpsConflict';
    this.files = options.files;
  }
}
