import { parseRepoUrl, ScmApiError, scmFetch } from './scmFetch';
import { PullRequestClient, PullRequestRef, PullRequestState } from './types';

interface GiteaPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  merged?: boolean;
  merge_commit_sha?: string | null;
  /** false on conflicts (also while Gitea is still checking, and for a work-in-progress title) */
  mergeable?: boolean;
  head?: { ref?: string };
  base?: { ref?: string };
}

/** Pull requests on Gitea's REST API (`/api/v1/repos/{owner}/{repo}/pulls`). @public */
export class GiteaPullRequestClient implements PullRequestClient {
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;

  static create(options: { baseUrl: string; username?: string; password?: string }): GiteaPullRequestClient {
    return new GiteaPullRequestClient(options);
  }

  private constructor(options: { baseUrl: string; username?: string; password?: string }) {
    this.#baseUrl = options.baseUrl.replace(/\/$/, '');
    if (options.username && options.password) {
      this.#headers = { authorization: `basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}` };
    } else {
      this.#headers = options.password ? { authorization: `token ${options.password}` } : {};
    }
  }

  async open(options: { repo: string; head: string; base: string; title: string; body: string }): Promise<PullRequestRef> {
    const pulls = this.#pulls(options.repo);
    try {
      const pr = await scmFetch<GiteaPull>(pulls, { method: 'POST', headers: this.#headers, body: { head: options.head, base: options.base, title: options.title, body: options.body } });
      return { number: pr.number, url: pr.html_url };
    } catch (error) {
      // 409: a pull request for this branch already exists
      if (!(error instanceof ScmApiError) || error.statusCode !== 409) throw error;
      const open = await scmFetch<GiteaPull[]>(`${pulls}?state=open`, { headers: this.#headers });
      const mine = open.find(p => p.head?.ref === options.head);
      if (!mine) throw error;
      return { number: mine.number, url: mine.html_url };
    }
  }

  async get(options: { repo: string; number: number }): Promise<PullRequestState> {
    const pr = await scmFetch<GiteaPull>(`${this.#pulls(options.repo)}/${options.number}`, { headers: this.#headers });
    const branches = { head: pr.head?.ref, base: pr.base?.ref };
    if (pr.merged) return { state: 'merged', mergeCommit: pr.merge_commit_sha ?? undefined, ...branches };
    if (pr.state !== 'open') return { state: 'closed', ...branches };
    return { state: 'open', ...branches, conflicts: pr.mergeable === false };
  }

  #pulls(repo: string): string {
    const { owner, name } = parseRepoUrl(repo);
    return `${this.#baseUrl}/api/v1/repos/${owner}/${name}/pulls`;
  }
}
