import { Config } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrationRegistry, ScmIntegrations } from '@backstage/integration';
import { InputError } from '@backstage/errors';
import { GiteaPullRequestClient } from './GiteaPullRequestClient';
import { GithubPullRequestClient } from './GithubPullRequestClient';
import { GitlabPullRequestClient } from './GitlabPullRequestClient';
import { CircuitBreakers } from '../../resilience/CircuitBreakers';
import { ExternalDependency } from '../../resilience/unavailableDependency';
import { PullRequestClient } from './types';

/**
 * Picks the pull-request client for a repository URL from Backstage's
 * `integrations`: GitHub, GitLab or Gitea. A repository no such integration
 * serves cannot use the `pull-request` strategy. Every API call goes
 * through the circuit breaker of the API's host (`git` system), in a
 * `nestor.git.pull-request-<open|get>` span.
 * @public
 */
export class PullRequestClients {
  readonly #integrations: ScmIntegrationRegistry;
  readonly #github: DefaultGithubCredentialsProvider;
  readonly #breakers: CircuitBreakers;

  static fromConfig(config: Config, options: { breakers?: CircuitBreakers } = {}): PullRequestClients {
    return new PullRequestClients(ScmIntegrations.fromConfig(config), options.breakers ?? CircuitBreakers.create());
  }

  private constructor(integrations: ScmIntegrationRegistry, breakers: CircuitBreakers) {
    this.#integrations = integrations;
    this.#github = DefaultGithubCredentialsProvider.fromIntegrations(integrations);
    this.#breakers = breakers;
  }

  forRepo(repo: string): PullRequestClient {
    const { client, apiUrl } = this.#clientFor(repo);
    const dependency: ExternalDependency = { system: 'git', target: new URL(apiUrl).host };
    return {
      open: options => this.#breakers.call(dependency, 'pull-request-open', () => client.open(options)),
      get: options => this.#breakers.call(dependency, 'pull-request-get', () => client.get(options)),
    };
  }

  #clientFor(repo: string): { client: PullRequestClient; apiUrl: string } {
    const github = this.#integrations.github.byUrl(repo);
    if (github?.config.apiBaseUrl) {
      const apiUrl = github.config.apiBaseUrl;
      return { client: GithubPullRequestClient.create({ apiBaseUrl: apiUrl, credentials: this.#github }), apiUrl };
    }
    const gitlab = this.#integrations.gitlab.byUrl(repo);
    if (gitlab) {
      const apiUrl = gitlab.config.apiBaseUrl;
      return { client: GitlabPullRequestClient.create({ apiBaseUrl: apiUrl, token: gitlab.config.token }), apiUrl };
    }
    const gitea = this.#integrations.gitea.byUrl(repo);
    if (gitea) {
      const apiUrl = gitea.config.baseUrl ?? `https://${gitea.config.host}`;
      return { client: GiteaPullRequestClient.create({ baseUrl: apiUrl, username: gitea.config.username, password: gitea.config.password }), apiUrl };
    }
    throw new InputError(
      `GitOps strategy "pull-request" needs a GitHub, GitLab or Gitea integration (with an API URL) for ${new URL(repo).host} in Backstage's integrations config`,
    );
  }
}
