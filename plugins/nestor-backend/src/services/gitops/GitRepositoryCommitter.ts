import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import git, { Errors } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { withTraceHeaders } from '../../observability/withSpan';
import { gitDependency } from '../catalog/sources/gitDependency';
import { GitAuth } from '../catalog/sources/types';
import { redactUrlCredentials } from '../catalog/sources/redactUrlCredentials';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { mergeFile, mergeFolderChanges } from './mergeFolderChanges';
import { readFolderAt } from './readFolderAt';
import { replaceFolders } from './replaceFolders';
import { GitOpsCommitRequest, GitOpsCommitResult, GitOpsCommitter, GitOpsFolderChange } from './types';

/** Options of {@link GitRepositoryCommitter}. @public */
export interface GitRepositoryCommitterOptions {
  /** where the per-repository caches (bare, shallow) live */
  workDir: string;
  author: { name: string; email: string };
  /** credentials for a repository URL (Backstage integrations) */
  credentials?: (url: string) => Promise<GitAuth | undefined>;
  /** push attempts before giving up (each rejected push fetches and rebuilds the commit) */
  maxAttempts?: number;
  logger?: LoggerService;
  /** the circuit breakers fetches and pushes go through (a set of its own by default) */
  breakers?: CircuitBreakers;
}

/**
 * {@link GitOpsCommitter} on isomorphic-git (no `git` binary needed). Each
 * repository and branch has a cached bare, shallow copy; commits are built
 * directly as trees on the cached head and pushed. A push that is not a
 * fast-forward (another replica or a person pushed meanwhile) fetches the new
 * head, rebuilds the same folder changes on it (a rebase of our one commit)
 * and pushes again. A change that is already on the branch is not committed
 * again. Work on one repository is serialized within the process. Fetches
 * and pushes go through the Git host's circuit breaker, in `nestor.git.fetch`
 * and `nestor.git.push` spans (with `traceparent` sent to the Git server).
 * @public
 */
export class GitRepositoryCommitter implements GitOpsCommitter {
  readonly #options: GitRepositoryCommitterOptions;
  readonly #breakers: CircuitBreakers;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #caches = new Map<string, object>();

  static create(options: GitRepositoryCommitterOptions): GitRepositoryCommitter {
    return new GitRepositoryCommitter(options);
  }

  private constructor(options: GitRepositoryCommitterOptions) {
    this.#options = options;
    this.#breakers = options.breakers ?? CircuitBreakers.create();
  }

  async commit(request: GitOpsCommitRequest): Promise<GitOpsCommitResult> {
    const gitdir = this.#gitdir(request.repo, request.branch);
    return this.#serialized(gitdir, () => this.#commit(gitdir, request));
  }

  /** The files of a folder on the branch's remote head (fetched now), path → content. */
  async readFolder(repo: string, branch: string, folder: string): Promise<Map<string, string>> {
    const gitdir = this.#gitdir(repo, branch);
    return this.#serialized(gitdir, async () => {
      await this.#cachedHead(gitdir, repo, branch);
      const head = await this.#fetch(gitdir, repo, branch);
      if (!head) return new Map<string, string>();
      return readFolderAt({ gitdir, cache: this.#cache(gitdir), commit: head, folder });
    });
  }

  /**
   * The files of a pull-request branch's folder that keep it from merging:
   * those that Nestor's commit on the branch (`commit`) and the base branch's
   * head (fetched now) both changed, differently, since the commit's parent.
   * Undefined when that commit is no longer the branch's head or its
   * parent (a person pushed to the branch since).
   */
  async conflictingFiles(options: { repo: string; branch: string; baseBranch: string; folder: string; commit: string }): Promise<string[] | undefined> {
    const { repo, branch, folder, commit } = options;
    const gitdir = this.#gitdir(repo, branch);
    return this.#serialized(gitdir, async () => {
      const cache = this.#cache(gitdir);
      await this.#cachedHead(gitdir, repo, branch);
      const head = await this.#fetch(gitdir, repo, branch, 2);
      const theirs = await this.#fetch(gitdir, repo, options.baseBranch);
      if (!head || !theirs) return undefined;
      const ours = (await git.readCommit({ fs, gitdir, oid: head, cache })).commit;
      const parent = head === commit ? ours.parent[0] : undefined;
      if (!parent || ours.parent.length !== 1) return undefined;
      const [b, o, t] = await Promise.all([parent, head, theirs].map(oid => readFolderAt({ gitdir, cache, commit: oid, folder })));
      const files = [...new Set([...b.keys(), ...o.keys(), ...t.keys()])];
      return files
        .filter(f => mergeFile({ base: b.get(f), ours: o.get(f), theirs: t.get(f) }) === 'conflict')
        .map(f => `${folder}/${f}`)
        .sort();
    });
  }

  async #commit(gitdir: string, request: GitOpsCommitRequest): Promise<GitOpsCommitResult> {
    const { repo, branch } = request;
    const maxAttempts = this.#options.maxAttempts ?? 5;
    const cache = this.#cache(gitdir);
    let base = await this.#cachedHead(gitdir, repo, branch);
    let fresh = false;
    let folders = request.folders;
    if (request.baseBranch && request.baseBranch !== branch) {
      // a change the base branch already has needs no branch (nor pull request)
      const onBase = await this.#fetch(gitdir, repo, request.baseBranch);
      const baseTree = onBase ? (await git.readCommit({ fs, gitdir, oid: onBase, cache })).commit.tree : undefined;
      if (baseTree && (await this.#treeWith(gitdir, baseTree, folders)) === baseTree) {
        return { commit: onBase!, changed: false, attempts: 0, alreadyOnBase: true };
      }
    }
    if (base === null) {
      base = await this.#fetch(gitdir, repo, branch);
      if (base === undefined && request.baseBranch && request.baseBranch !== branch) {
        base = await this.#fetch(gitdir, repo, request.baseBranch);
      }
      fresh = true;
    }
    for (let attempt = 1; ; attempt++) {
      const baseTree = base ? (await git.readCommit({ fs, gitdir, oid: base, cache })).commit.tree : undefined;
      const tree = await this.#treeWith(gitdir, baseTree, folders);
      if (tree === baseTree) {
        if (!fresh) {
          // the cached head may be stale: only the remote's head can say nothing is left to do
          base = await this.#fetch(gitdir, repo, branch);
          fresh = true;
          attempt--;
          continue;
        }
        return { commit: base ?? '', changed: false, attempts: attempt - 1 };
      }
      if (!tree) throw new Error(`no tree to commit to ${redactUrlCredentials(repo)}`);
      const now = Math.floor(Date.now() / 1000);
      const signature = { ...this.#options.author, timestamp: now, timezoneOffset: 0 };
      const oid = await git.commit({
        fs,
        gitdir,
        cache,
        message: request.message,
        author: signature,
        committer: signature,
        tree,
        parent: base ? [base] : [],
        noUpdateBranch: true,
      });
      await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: oid, force: true });
      try {
        await this.#push(gitdir, repo, branch);
        this.#options.logger?.info(`Committed ${oid.slice(0, 12)} to ${redactUrlCredentials(repo)}#${branch} (attempt ${attempt})`);
        return { commit: oid, changed: true, attempts: attempt };
      } catch (error) {
        if (!isRejectedPush(error)) throw this.#wrap(error, `push to ${repo}#${branch}`);
        if (attempt >= maxAttempts) {
          throw new TransientEngineError(
            `push to ${redactUrlCredentials(repo)}#${branch} was rejected ${attempt} times (the branch keeps moving): ${(error as Error).message}`,
          );
        }
        this.#options.logger?.info(`Push to ${redactUrlCredentials(repo)}#${branch} rejected (${(error as Error).message}); fetching and rebasing`);
        const previous = base;
        base = await this.#fetch(gitdir, repo, branch);
        fresh = true;
        folders = await this.#rebase({ gitdir, repo, branch, folders, from: previous, onto: base });
      }
    }
  }

  /**
   * Our folder changes, rebased from the commit they were built on onto the
   * branch's new head. A new head made by Nestor itself (another replica, or
   * this one before a restart) supersedes nothing of ours: the folder is
   * Nestor's and the newer request wins. Anyone else's change is merged file
   * by file; a file both changed differently is a conflict.
   */
  async #rebase(options: { gitdir: string; repo: string; branch: string; folders: GitOpsFolderChange[]; from?: string; onto?: string }) {
    const { gitdir, folders, from, onto } = options;
    if (!onto || !from) return folders;
    const cache = this.#cache(gitdir);
    const head = (await git.readCommit({ fs, gitdir, oid: onto, cache })).commit;
    if (head.author.email === this.#options.author.email) return folders;
    const read = async (oid: string) =>
      new Map(await Promise.all(folders.map(async f => [f.path, await readFolderAt({ gitdir, cache, commit: oid, folder: f.path })] as const)));
    return mergeFolderChanges({
      repo: redactUrlCredentials(options.repo),
      branch: options.branch,
      folders,
      base: await read(from),
      theirs: await read(onto),
    });
  }

  /** `baseTree` with the folders replaced; removing the last folder leaves the empty tree, a valid commit like any other. */
  async #treeWith(gitdir: string, baseTree: string | undefined, folders: GitOpsFolderChange[]): Promise<string | undefined> {
    const tree = await replaceFolders({ gitdir, cache: this.#cache(gitdir), baseTree, folders });
    return tree ?? (baseTree ? git.writeTree({ fs, gitdir, tree: [] }) : undefined);
  }

  /** The remote head as last fetched; null when this copy never fetched (it is created then). */
  async #cachedHead(gitdir: string, repo: string, branch: string): Promise<string | undefined | null> {
    if (!fs.existsSync(path.join(gitdir, 'HEAD'))) {
      await fs.promises.mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true, defaultBranch: branch });
      await git.addRemote({ fs, gitdir, remote: 'origin', url: repo, force: true });
      return null;
    }
    try {
      return await git.resolveRef({ fs, gitdir, ref: `refs/remotes/origin/${branch}` });
    } catch {
      return null;
    }
  }

  /** Fetches the branch's head (`depth` commits of it); undefined when the branch does not exist yet (an empty repository). */
  async #fetch(gitdir: string, repo: string, branch: string, depth = 1): Promise<string | undefined> {
    try {
      const auth = await this.#auth(repo);
      const result = await this.#breakers.call(
        gitDependency(repo),
        'fetch',
        () =>
          git.fetch({
            fs,
            http,
            gitdir,
            remote: 'origin',
            ref: branch,
            singleBranch: true,
            depth,
            tags: false,
            cache: this.#cache(gitdir),
            headers: withTraceHeaders(),
            ...auth,
          }),
        // an abandoned fetch would go on writing into the cached copy
        { attributes: { 'nestor.git.branch': branch }, timeout: false },
      );
      if (result.fetchHead) {
        await git.writeRef({ fs, gitdir, ref: `refs/remotes/origin/${branch}`, value: result.fetchHead, force: true });
      }
      return result.fetchHead ?? undefined;
    } catch (error) {
      if ((error as { code?: string }).code === Errors.NotFoundError.code) return undefined;
      throw this.#wrap(error, `fetch ${repo}#${branch}`);
    }
  }

  async #push(gitdir: string, repo: string, branch: string) {
    const auth = await this.#auth(repo);
    await this.#breakers.call(
      gitDependency(repo),
      'push',
      () =>
        git.push({
          fs,
          http,
          gitdir,
          remote: 'origin',
          ref: `refs/heads/${branch}`,
          remoteRef: `refs/heads/${branch}`,
          cache: this.#cache(gitdir),
          headers: withTraceHeaders(),
          ...auth,
        }),
      { attributes: { 'nestor.git.branch': branch }, timeout: false },
    );
  }

  async #auth(repo: string) {
    const auth = await this.#options.credentials?.(repo);
    return auth
      ? { onAuth: () => ({ username: auth.username, password: auth.password }), onAuthFailure: () => ({ cancel: true }) }
      : {};
  }

  #wrap(error: unknown, action: string): Error {
    const status = (error as { data?: { statusCode?: number } }).data?.statusCode;
    // onAuthFailure cancels: the server refused the credentials we have
    const refused = (error as { code?: string }).code === Errors.UserCanceledError.code;
    const reason = refused ? 'the server refused the credentials (check the integration for this host)' : String((error as Error)?.message ?? error);
    const message = `GitOps ${redactUrlCredentials(action)} failed: ${redactUrlCredentials(reason)}`;
    if (refused) return Object.assign(new Error(message), { cause: error });
    // authentication and authorization answers will not fix themselves
    if (status === 401 || status === 403 || status === 404) return Object.assign(new Error(message), { cause: error });
    return Object.assign(new TransientEngineError(message), { cause: error });
  }

  #gitdir(repo: string, branch: string): string {
    const key = createHash('sha256').update(`${repo}#${branch}`).digest('hex').slice(0, 16);
    return path.join(this.#options.workDir, key);
  }

  #cache(gitdir: string): object {
    let cache = this.#caches.get(gitdir);
    if (!cache) {
      cache = {};
      this.#caches.set(gitdir, cache);
    }
    return cache;
  }

  async #serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.#locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === run) this.#locks.delete(key);
    }
  }
}

function isRejectedPush(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code === Errors.PushRejectedError.code) return true;
  // the server refused the ref update: it moved between our discovery and our pack
  return code === Errors.GitPushError.code && /fetch first|non-fast-forward|failed to (update|lock)|stale info/i.test(String((error as Error).message));
}
