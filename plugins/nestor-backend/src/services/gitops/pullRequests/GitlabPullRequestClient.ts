import { parseRepoUrl, ScmApiError, scmFetch } from './scmFetch';
import { PullRequestClient, PullRequestRef, PullRequestState } from './types';

interface GitlabMergeRequest {
  iid: number;
  web_url: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  source_branch?: string;
  target_branch?: string;
  has_conflicts?: boolean;
  /** `conflict` when the source branch conflicts with the target (GitLab 15.6+) */
  detailed_merge_status?: string;
  /** deprecated; `cannot_be_merged` for conflicts (and a few other reasons) */
  merge_status?: string;
}

/** Merge requests on GitLab's REST API (`/projects/{id}/merge_requests`). @public */
export class GitlabPullRequestClient implements PullRequestClient {
  readonly #apiBaseUrl: string;
  readonly #token?: string;

  static create(options: { apiBaseUrl: string; token?: string }): GitlabPullRequestClient {
    return new GitlabPullRequestClient(options);
  }

  private constructor(options: { apiBaseUrl: string; token?: string }) {
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/$/, '');
    this.#token = options.token;
  }

  async open(options: { repo: string; head: string; base: string; title: string; body: string }): Promise<PullRequestRef> {
    const requests = this.#requests(options.repo);
    const headers = this.#headers();
    try {
      const mr = await scmFetch<GitlabMergeRequest>(requests, {
        method: 'POST',
        headers,
        body: { source_branch: options.head, target_branch: options.base, title: options.title, description: options.body },
      });
      return { number: mr.iid, url: mr.web_url };
    } catch (error) {
      // 409: a merge request for this source branch already exists
      if (!(error instanceof ScmApiError) || error.statusCode !== 409) throw error;
      const open = await scmFetch<GitlabMergeRequest[]>(`${requests}?state=opened&source_branch=${encodeURIComponent(options.head)}`, { headers });
      if (open.length === 0) throw error;
      return { number: open[0].iid, url: open[0].web_url };
    }
  }

  async get(options: { repo: string; number: number }): Promise<PullRequestState> {
    const mr = await scmFetch<GitlabMergeRequest>(`${this.#requests(options.repo)}/${options.number}`, { headers: this.#headers() });
    const branches = { head: mr.source_branch, base: mr.target_branch };
    if (mr.state === 'merged') return { state: 'merged', mergeCommit: mr.merge_commit_sha ?? mr.squash_commit_sha ?? undefined, ...branches };
    if (mr.state !== 'opened') return { state: 'closed', ...branches };
    // older GitLab answers without has_conflicts: merge_status is all there is
    const conflicts = mr.has_conflicts ?? mr.merge_status === 'cannot_be_merged';
    return { state: 'open', ...branches, conflicts: conflicts || mr.detailed_merge_status === 'conflict' };
  }

  #requests(repo: string): string {
    return `${this.#apiBaseUrl}/projects/${encodeURIComponent(parseRepoUrl(repo).path)}/merge_requests`;
  }

  #headers(): Record<string, string> {
    return this.#token ? { authorization: `Bearer ${this.#token}` } : {};
  }
}
