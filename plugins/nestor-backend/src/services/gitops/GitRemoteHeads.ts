import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';

/**
 * Reads the head commit of a branch of a remote repository (what
 * `git ls-remote` shows), with the credentials Nestor pushes with. Nothing
 * is fetched or cloned.
 * @public
 */
export class GitRemoteHeads {
  readonly #credentials?: (url: string) => Promise<{ username: string; password: string } | undefined>;

  static create(options: { credentials?: (url: string) => Promise<{ username: string; password: string } | undefined> } = {}): GitRemoteHeads {
    return new GitRemoteHeads(options.credentials);
  }

  private constructor(credentials?: (url: string) => Promise<{ username: string; password: string } | undefined>) {
    this.#credentials = credentials;
  }

  /** The commit `branch` points at, or undefined when the branch does not exist (yet). */
  async head(repo: string, branch: string): Promise<string | undefined> {
    const auth = await this.#credentials?.(repo);
    const refs = await git.listServerRefs({
      http,
      url: repo,
      prefix: `refs/heads/${branch}`,
      ...(auth ? { onAuth: () => auth, onAuthFailure: () => ({ cancel: true }) } : {}),
    });
    return refs.find(r => r.ref === `refs/heads/${branch}`)?.oid;
  }
}
