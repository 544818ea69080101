import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One pull (merge) request the test server holds. @public */
export interface ScmTestPullRequest {
  provider: 'github' | 'gitlab' | 'gitea';
  /** `owner/name` (GitLab: the project path) */
  repo: string;
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed' | 'merged';
  mergeCommit?: string;
}

/**
 * An in-process stand-in for the pull-request endpoints of GitHub
 * (`/github/api/v3/repos/{owner}/{repo}/pulls`), GitLab
 * (`/gitlab/api/v4/projects/{id}/merge_requests`) and Gitea
 * (`/gitea/api/v1/repos/{owner}/{repo}/pulls`): create (422 or 409 when one
 * is open for the branch, as the real hosts answer), list open ones, get one.
 * Merging happens in the test (`merge`), since no real host runs here.
 * With `token`, requests without it get 401.
 * @public
 */
export class ScmTestServer {
  readonly baseUrl: string;
  readonly pulls: ScmTestPullRequest[] = [];
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  /** answers to force for the next requests (e.g. 503) */
  readonly failNext: number[] = [];
  readonly #server: http.Server;
  readonly #token?: string;

  static async start(options: { token?: string } = {}): Promise<ScmTestServer> {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
    return new ScmTestServer(server, options.token);
  }

  private constructor(server: http.Server, token?: string) {
    this.#server = server;
    this.#token = token;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (req, res) => {
      let raw = '';
      req.on('data', chunk => (raw += chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', this.baseUrl);
        const { status, body } = this.#answer(req, url, raw);
        this.requests.push({ method: req.method ?? 'GET', path: url.pathname, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  }

  get githubApiUrl(): string {
    return `${this.baseUrl}/github/api/v3`;
  }
  get gitlabApiUrl(): string {
    return `${this.baseUrl}/gitlab/api/v4`;
  }
  get giteaBaseUrl(): string {
    return `${this.baseUrl}/gitea`;
  }

  /** Marks a pull request merged with the commit that landed. */
  merge(pull: ScmTestPullRequest, mergeCommit: string): void {
    Object.assign(pull, { state: 'merged', mergeCommit });
  }

  close(pull: ScmTestPullRequest): void {
    pull.state = 'closed';
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #answer(req: http.IncomingMessage, url: URL, raw: string): { status: number; body: unknown } {
    const forced = this.failNext.shift();
    if (forced) return { status: forced, body: { message: `forced ${forced}` } };
    if (this.#token && !String(req.headers.authorization ?? '').includes(this.#token) && !this.#basicHas(req.headers.authorization)) {
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const github = url.pathname.match(/^\/(github)\/api\/v3\/repos\/([^/]+\/[^/]+)\/pulls(?:\/(\d+))?$/);
    const gitea = url.pathname.match(/^\/(gitea)\/api\/v1\/repos\/([^/]+\/[^/]+)\/pulls(?:\/(\d+))?$/);
    const gitlab = url.pathname.match(/^\/(gitlab)\/api\/v4\/projects\/([^/]+)\/merge_requests(?:\/(\d+))?$/);
    const match = github ?? gitea ?? gitlab;
    if (!match) return { status: 404, body: { message: 'Not Found' } };
    const provider = match[1] as ScmTestPullRequest['provider'];
    const repo = decodeURIComponent(match[2]);
    const number = match[3] ? Number(match[3]) : undefined;
    const mine = this.pulls.filter(p => p.provider === provider && p.repo === repo);
    if (req.method === 'GET' && number !== undefined) {
      const pull = mine.find(p => p.number === number);
      return pull ? { status: 200, body: this.#render(pull) } : { status: 404, body: { message: 'Not Found' } };
    }
    if (req.method === 'GET') {
      const head = provider === 'gitlab' ? url.searchParams.get('source_branch') : url.searchParams.get('head')?.replace(/^[^:]*:/, '');
      return { status: 200, body: mine.filter(p => p.state === 'open' && (!head || p.head === head)).map(p => this.#render(p)) };
    }
    if (req.method !== 'POST') return { status: 405, body: { message: 'Method Not Allowed' } };
    const input = JSON.parse(raw || '{}') as Record<string, string | undefined>;
    const head = provider === 'gitlab' ? input.source_branch : input.head;
    const base = provider === 'gitlab' ? input.target_branch : input.base;
    if (!head || !base || !input.title) return { status: 422, body: { message: 'head, base and title are required' } };
    if (mine.some(p => p.state === 'open' && p.head === head)) {
      return { status: provider === 'github' ? 422 : 409, body: { message: `A pull request already exists for ${head}` } };
    }
    const pull: ScmTestPullRequest = {
      provider,
      repo,
      number: mine.length + 1,
      head,
      base,
      title: input.title,
      body: (provider === 'gitlab' ? input.description : input.body) ?? '',
      state: 'open',
    };
    this.pulls.push(pull);
    return { status: 201, body: this.#render(pull) };
  }

  #basicHas(header: string | undefined): boolean {
    const m = header?.match(/^basic (.+)$/i);
    return Boolean(m && this.#token && Buffer.from(m[1], 'base64').toString().includes(this.#token));
  }

  #render(p: ScmTestPullRequest) {
    const url = `${this.baseUrl}/${p.repo}/${p.provider === 'gitlab' ? '-/merge_requests' : 'pulls'}/${p.number}`;
    if (p.provider === 'gitlab') {
      return { iid: p.number, web_url: url, state: p.state === 'open' ? 'opened' : p.state, source_branch: p.head, target_branch: p.base, merge_commit_sha: p.mergeCommit ?? null };
    }
    return {
      number: p.number,
      html_url: url,
      state: p.state === 'open' ? 'open' : 'closed',
      merged: p.state === 'merged',
      merged_at: p.state === 'merged' ? new Date().toISOString() : null,
      merge_commit_sha: p.mergeCommit ?? null,
      head: { ref: p.head },
      base: { ref: p.base },
    };
  }
}
