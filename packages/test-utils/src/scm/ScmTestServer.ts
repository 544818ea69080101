import { execFile } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

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
  /**
   * Whether the request conflicts with its base. Set by the test to force an
   * answer; otherwise computed from the real repository (when the server
   * knows it) each time the request is read.
   */
  conflicts?: boolean;
  /** the conflicting files found by the last computation (`git merge-tree`) */
  conflictingFiles?: string[];
}

/** Options of {@link ScmTestServer.start}. @public */
export interface ScmTestServerOptions {
  /** requests without it get 401 */
  token?: string;
  /**
   * The bare Git repository behind a host's repository (`owner/name`, GitLab:
   * the project path), e.g. a {@link GitHttpServer}'s `repoPath`: open
   * requests then answer their mergeability from the real branches, as the
   * hosts compute it (`git merge-tree`), and {@link ScmTestServer.mergeInRepo}
   * can merge.
   */
  gitRepos?: (repo: string) => string | undefined;
}

/**
 * An in-process stand-in for the pull-request endpoints of GitHub
 * (`/github/api/v3/repos/{owner}/{repo}/pulls`), GitLab
 * (`/gitlab/api/v4/projects/{id}/merge_requests`) and Gitea
 * (`/gitea/api/v1/repos/{owner}/{repo}/pulls`): create (422 or 409 when one
 * is open for the branch, as the real hosts answer), list open ones, get one.
 * Merging happens in the test (`merge`, or `mergeInRepo` on the real
 * repository), since no real host runs here. Open requests carry their
 * mergeability in each provider's fields (GitHub `mergeable` and
 * `mergeable_state`, GitLab `has_conflicts`, `merge_status` and
 * `detailed_merge_status`, Gitea `mergeable`), computed from the real
 * repository with `gitRepos`. With `token`, requests without it get 401.
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
  readonly #gitRepos?: (repo: string) => string | undefined;

  static async start(options: ScmTestServerOptions = {}): Promise<ScmTestServer> {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
    return new ScmTestServer(server, options);
  }

  private constructor(server: http.Server, options: ScmTestServerOptions) {
    this.#server = server;
    this.#token = options.token;
    this.#gitRepos = options.gitRepos;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (req, res) => {
      let raw = '';
      req.on('data', chunk => (raw += chunk));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', this.baseUrl);
        const { status, body } = await this.#answer(req, url, raw).catch(error => ({ status: 500, body: { message: String(error) } }));
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

  /**
   * Merges an open request in the real repository, as the host's merge
   * button does: a merge commit of the head branch into the base branch
   * (refused when they conflict). Marks the request merged; returns the
   * merge commit.
   */
  async mergeInRepo(pull: ScmTestPullRequest): Promise<string> {
    const dir = this.#requireRepo(pull);
    const base = await git(dir, 'rev-parse', `refs/heads/${pull.base}`);
    const merged = await mergeTree(dir, pull.base, pull.head);
    if (merged.conflicts.length > 0) throw new Error(`${pull.head} conflicts with ${pull.base} in ${merged.conflicts.join(', ')}`);
    const commit = await git(dir, 'commit-tree', merged.tree, '-p', base, '-p', `refs/heads/${pull.head}`, '-m', `Merge pull request #${pull.number} from ${pull.head}`);
    await git(dir, 'update-ref', `refs/heads/${pull.base}`, commit, base);
    this.merge(pull, commit);
    return commit;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  async #answer(req: http.IncomingMessage, url: URL, raw: string): Promise<{ status: number; body: unknown }> {
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
      if (!pull) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: this.#render(pull, await this.#conflicts(pull)) };
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

  /** Whether an open request conflicts: as the test set it, or from the real repository. */
  async #conflicts(pull: ScmTestPullRequest): Promise<boolean | undefined> {
    if (pull.state !== 'open') return undefined;
    if (pull.conflicts !== undefined) return pull.conflicts;
    const dir = this.#gitRepos?.(pull.repo);
    if (!dir) return undefined;
    // a host computes nothing for a branch that is not there (yet)
    const exists = (branch: string) => git(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).then(
      () => true,
      () => false,
    );
    if (!(await exists(pull.base)) || !(await exists(pull.head))) return undefined;
    const { conflicts } = await mergeTree(dir, pull.base, pull.head);
    pull.conflictingFiles = conflicts;
    return conflicts.length > 0;
  }

  #requireRepo(pull: ScmTestPullRequest): string {
    const dir = this.#gitRepos?.(pull.repo);
    if (!dir) throw new Error(`the SCM test server knows no Git repository for ${pull.repo} (start it with gitRepos)`);
    return dir;
  }

  #render(p: ScmTestPullRequest, conflicts?: boolean) {
    const url = `${this.baseUrl}/${p.repo}/${p.provider === 'gitlab' ? '-/merge_requests' : 'pulls'}/${p.number}`;
    if (p.provider === 'gitlab') {
      return {
        iid: p.number,
        web_url: url,
        state: p.state === 'open' ? 'opened' : p.state,
        source_branch: p.head,
        target_branch: p.base,
        merge_commit_sha: p.mergeCommit ?? null,
        ...(conflicts === undefined
          ? {}
          : {
              has_conflicts: conflicts,
              merge_status: conflicts ? 'cannot_be_merged' : 'can_be_merged',
              detailed_merge_status: conflicts ? 'conflict' : 'mergeable',
            }),
      };
    }
    let mergeability = {};
    if (conflicts !== undefined) mergeability = { mergeable: !conflicts, ...(p.provider === 'github' ? { mergeable_state: conflicts ? 'dirty' : 'clean' } : {}) };
    return {
      number: p.number,
      html_url: url,
      state: p.state === 'open' ? 'open' : 'closed',
      merged: p.state === 'merged',
      merged_at: p.state === 'merged' ? new Date().toISOString() : null,
      merge_commit_sha: p.mergeCommit ?? null,
      head: { ref: p.head },
      base: { ref: p.base },
      ...mergeability,
    };
  }
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['-C', dir, ...args], {
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'SCM Test Server', GIT_AUTHOR_EMAIL: 'scm@nestor.local', GIT_COMMITTER_NAME: 'SCM Test Server', GIT_COMMITTER_EMAIL: 'scm@nestor.local' },
  });
  return stdout.trim();
}

/** The merge of `head` into `base` without a work tree: its tree, and the files that conflict. */
async function mergeTree(dir: string, base: string, head: string): Promise<{ tree: string; conflicts: string[] }> {
  try {
    const tree = await git(dir, 'merge-tree', '--write-tree', '--no-messages', `refs/heads/${base}`, `refs/heads/${head}`);
    return { tree, conflicts: [] };
  } catch (error) {
    // exit status 1: the tree (with conflict markers), then the conflicting files
    const { code, stdout } = error as { code?: number; stdout?: string };
    if (code !== 1 || !stdout) throw error;
    const [tree, ...files] = stdout.trim().split('\n');
    return { tree, conflicts: [...new Set(files.map(line => line.split('\t').pop()!))].sort() };
  }
}
