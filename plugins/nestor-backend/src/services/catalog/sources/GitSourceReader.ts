import { createHash } from 'node:crypto';
import path from 'node:path';
import { GitAuth, GitClient, SourceChanges, SourceReader, SourceSnapshot } from './types';

const SYNCED_REF = 'refs/nestor/synced';
const BRANCH = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

/**
 * Reads a source from a Git repository: keeps a local (shallow, bare) copy in
 * the working directory, fetches the branch on each read and diffs its tree
 * against the last synced commit, so a sync after a one-file change reads
 * one file. A missing base (first sync, a new replica, a pruned commit) gives
 * a full listing instead.
 * @public
 */
export class GitSourceReader implements SourceReader {
  readonly #url: string;
  readonly #branch: string;
  readonly #subPath: string;
  readonly #dir: string;
  readonly #client: GitClient;
  readonly #credentials: (url: string) => Promise<GitAuth | undefined>;

  static create(options: {
    sourceId: string;
    url: string;
    branch: string;
    subPath?: string;
    /** a folder this reader may own; its copy goes in a sub-folder */
    workDir: string;
    client: GitClient;
    credentials: (url: string) => Promise<GitAuth | undefined>;
  }): GitSourceReader {
    if (!BRANCH.test(options.branch)) {
      throw new Error(`invalid branch name "${options.branch}" for source ${options.sourceId}`);
    }
    const key = createHash('sha256').update(`${options.url}\n${options.branch}`).digest('hex').slice(0, 12);
    return new GitSourceReader({
      ...options,
      dir: path.join(options.workDir, `${options.sourceId}-${key}.git`),
    });
  }

  private constructor(options: {
    url: string;
    branch: string;
    subPath?: string;
    dir: string;
    client: GitClient;
    credentials: (url: string) => Promise<GitAuth | undefined>;
  }) {
    this.#url = options.url;
    this.#branch = options.branch;
    this.#subPath = (options.subPath ?? '').replace(/^\/+|\/+$/g, '');
    this.#dir = options.dir;
    this.#client = options.client;
    this.#credentials = options.credentials;
  }

  async read(options: { sinceCommit?: string; signal?: AbortSignal }): Promise<SourceSnapshot> {
    const auth = await this.#credentials(this.#url);
    const commit = await this.#client.fetch({
      dir: this.#dir,
      url: this.#url,
      branch: this.#branch,
      auth,
      signal: options.signal,
    });
    const dir = this.#dir;
    const client = this.#client;
    let changes: SourceChanges | undefined;
    if (options.sinceCommit === commit) {
      changes = { full: false, changed: [], deleted: [] };
    } else if (options.sinceCommit) {
      const from = options.sinceCommit;
      let diff = await client.diff({ dir, from, to: commit, path: this.#subPath });
      if (!diff && client.fetchCommit) {
        // synced by another replica (or before a restart): fetch that commit rather than read everything
        const fetched = await client
          .fetchCommit({ dir, url: this.#url, commit: from, auth, signal: options.signal })
          .then(() => true, () => false);
        if (fetched) diff = await client.diff({ dir, from, to: commit, path: this.#subPath });
      }
      if (diff) changes = { full: false, ...diff };
    }
    changes ??= { full: true, changed: await client.listFiles({ dir, commit, path: this.#subPath }), deleted: [] };
    return {
      commit,
      changes,
      readFiles: paths => client.readFiles({ dir, commit, paths }),
      listFiles: folder => client.listFiles({ dir, commit, path: folder }),
    };
  }

  async markSynced(commit: string): Promise<void> {
    await this.#client.keep({ dir: this.#dir, ref: SYNCED_REF, commit });
  }
}
