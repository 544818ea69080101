import { GithubCredentialsProvider } from '@backstage/integration';
import { parseRepoUrl, ScmApiError, scmFetch } from './scmFetch';
import { PullRequestClient, PullRequestRef, PullRequestState } from './types';

interface GithubPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  merged?: boolean;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  /** null while GitHub computes it; false on conflicts */
  mergeable?: boolean | null;
  /** `dirty` when the merge commit cannot be made cleanly */
  mergeable_state?: string;
  head?: { ref?: string };
  base?: { ref?: string };
}

/** Pull requests on GitHub's REST API (`/repos/{owner}/{repo}/pulls`). @public */
export class GithubPullRequestClient implements PullRequestClient {
  readonly #apiBaseUrl: string;
  readonly #credentials: GithubCredentialsProvider;

  static create(options: { apiBaseUrl: string; credentials: GithubCredentialsProvider }): GithubPullRequestClient {
    return new GithubPullRequestClient(options);
  }

  private constructor(options: { apiBaseUrl: string; credentials: GithubCredentialsProvider }) {
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/$/, '');
    this.#credentials = options.credentials;
  }

  async open(options: { repo: string; head: string; base: string; title: string; body: string }): Promise<PullRequestRef> {
    const { owner, name } = parseRepoUrl(options.repo);
    const headers = await this.#headers(options.repo);
    const pulls = `${this.#apiBaseUrl}/repos/${owner}/${name}/pulls`;
    try {
      const pr = await scmFetch<GithubPull>(pulls, { method: 'POST', headers, body: { title: options.title, head: options.head, base: options.base, body: options.body } });
      return { number: pr.number, url: pr.html_url };
    } catch (error) {
      // 422: a pull request for this head already exists (a retried step)
      if (!(error instanceof ScmApiError) || error.statusCode !== 422) throw error;
      const open = await scmFetch<GithubPull[]>(`${pulls}?state=open&head=${encodeURIComponent(`${owner}:${options.head}`)}`, { headers });
      if (open.length === 0) throw error;
      return { number: open[0].number, url: open[0].html_url };
    }
  }

  async get(options: { repo: string; number: number }): Promise<PullRequestState> {
    const { owner, name } = parseRepoUrl(options.repo);
    const pr = await scmFetch<GithubPull>(`${this.#apiBaseUrl}/repos/${owner}/${name}/pulls/${options.number}`, { headers: await this.#headers(options.repo) });
    const branches = { head: pr.head?.ref, base: pr.base?.ref };
    if (pr.merged || pr.merged_at) return { state: 'merged', mergeCommit: pr.merge_commit_sha ?? undefined, ...branches };
    if (pr.state !== 'open') return { state: 'closed', ...branches };
    return { state: 'open', ...branches, conflicts: pr.mergeable === false || pr.mergeable_state === 'dirty' };
  }

  async #headers(repo: string): Promise<Record<string, string>> {
    const { headers } = await this.#credentials.getCredentials({ url: repo });
    return { 'x-github-api-version': '2022-11-28', ...headers };
  }
}
