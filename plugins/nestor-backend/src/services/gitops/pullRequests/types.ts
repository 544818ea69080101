/** A pull (or merge) request Nestor opened. @public */
export interface PullRequestRef {
  /** the provider's number (GitHub, Gitea) or iid (GitLab) */
  number: number;
  url: string;
}

/** Where a pull request stands. @public */
export interface PullRequestState {
  state: 'open' | 'merged' | 'closed';
  /** the commit that landed on the target branch, once merged */
  mergeCommit?: string;
  /** the branch it merges from */
  head?: string;
  /** the branch it merges into */
  base?: string;
  /**
   * true when the host says it cannot merge because of conflicts with its
   * base (GitHub `mergeable: false` or `mergeable_state: dirty`, GitLab
   * `has_conflicts` or `detailed_merge_status: conflict`, Gitea
   * `mergeable: false`); open requests only
   */
  conflicts?: boolean;
}

/**
 * Opens and reads pull requests on one Git host's REST API (GitHub, GitLab
 * merge requests, Gitea), with the credentials of Backstage `integrations`.
 * @public
 */
export interface PullRequestClient {
  /** Opens a pull request from `head` into `base`, or returns the open one for `head`. */
  open(options: { repo: string; head: string; base: string; title: string; body: string }): Promise<PullRequestRef>;
  get(options: { repo: string; number: number }): Promise<PullRequestState>;
}
