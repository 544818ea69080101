import { CircuitBreakers } from '../../resilience/CircuitBreakers';
import { gitDependency } from './gitDependency';
import { GitClient } from './types';

/**
 * A {@link GitClient} whose network calls (fetch, fetchCommit) go through
 * the Git host's circuit breaker, in a `nestor.git.<operation>` span; the
 * local reads pass straight through.
 * @internal
 */
export class GuardedGitClient implements GitClient {
  readonly name: string;
  readonly #client: GitClient;
  readonly #breakers: CircuitBreakers;

  static create(
    client: GitClient,
    breakers: CircuitBreakers,
  ): GuardedGitClient {
    return new GuardedGitClient(client, breakers);
  }

  private constructor(client: GitClient, breakers: CircuitBreakers) {
    this.name = client.name;
    this.#client = client;
    this.#breakers = breakers;
  }

  fetch(options: Parameters<GitClient['fetch']>[0]): Promise<string> {
    return this.#breakers.call(
      gitDependency(options.url),
      'fetch',
      () => this.#client.fetch(options),
      // bounded by the sync's own timeout (its signal); an abandoned fetch would go on writing
      { attributes: { 'nestor.git.branch': options.branch }, timeout: false },
    );
  }

  get fetchCommit(): GitClient['fetchCommit'] {
    const fetchCommit = this.#client.fetchCommit?.bind(this.#client);
    if (!fetchCommit) return undefined;
    return options =>
      this.#breakers.call(
        gitDependency(options.url),
        'fetch-commit',
        () => fetchCommit(options),
        { timeout: false },
      );
  }

  diff(options: Parameters<GitClient['diff']>[0]) {
    return this.#client.diff(options);
  }

  listFiles(options: Parameters<GitClient['listFiles']>[0]) {
    return this.#client.listFiles(options);
  }

  readFiles(options: Parameters<GitClient['readFiles']>[0]) {
    return this.#client.readFiles(options);
  }

  keep(options: Parameters<GitClient['keep']>[0]) {
    return this.#client.keep(options);
  }
}
