import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { withTraceHeaders } from '../../observability/withSpan';
import { gitDependency } from '../catalog/sources/gitDependency';
import { CircuitBreakers } from '../resilience/CircuitBreakers';

type Credentials = (url: string) => Promise<{ username: string; password: string } | undefined>;

/**
 * Reads the head commit of a branch of a remote repository (what
 * `git ls-remote` shows), with the credentials Nestor pushes with, through
 * the Git host's circuit breaker. Nothing is fetched or cloned.
 * @public
 */
export class GitRemoteHeads {
  readonly #credentials?: Credentials;
  readonly #breakers: CircuitBreakers;

  static create(options: { credentials?: Credentials; breakers?: CircuitBreakers } = {}): GitRemoteHeads {
    return new GitRemoteHeads(options.credentials, options.breakers ?? CircuitBreakers.create());
  }

  private constructor(credentials: Credentials | undefined, breakers: CircuitBreakers) {
    this.#credentials = credentials;
    this.#breakers = breakers;
  }

  /** The commit `branch` points at, or undefined when the branch does not exist (yet). */
  async head(repo: string, branch: string): Promise<string | undefined> {
    const auth = await this.#credentials?.(repo);
    const refs = await this.#breakers.call(
      gitDependency(repo),
      'ls-remote',
      () =>
        git.listServerRefs({
          http,
          url: repo,
          prefix: `refs/heads/${branch}`,
          headers: withTraceHeaders(),
          ...(auth ? { onAuth: () => auth, onAuthFailure: () => ({ cancel: true }) } : {}),
        }),
      { attributes: { 'nestor.git.branch': branch } },
    );
    return refs.find(r => r.ref === `refs/heads/${branch}`)?.oid;
  }
}
