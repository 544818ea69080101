import { Config } from '@backstage/config';
import { DefaultGithubCredentialsProvider, ScmIntegrationRegistry, ScmIntegrations } from '@backstage/integration';
import { InputError } from '@backstage/errors';
import { GiteaPullRequestClient } from './GiteaPullRequestClient';
import { GithubPullRequestClient } from './GithubPullRequestClient';
import { GitlabPullRequestClient } from './GitlabPullRequestClient';
import { PullRequestClient } from './types';

/**
 * Picks the pull-request client for a repository URL from Backstage's
 * `integrations`: GitHub, GitLab or Gitea. A repository no such integration
 * serves cannot use the `pull-request` strategy.
 * @public
 */
export class PullRequestClients {
  readonly #integrations: ScmIntegrationRegistry;
  readonly #github: DefaultGithubCredentialsProvider;

  static fromConfig(config: Config): PullRequestClients {
    return new PullRequestClients(ScmIntegrations.fromConfig(config));
  }

  private constructor(integrations: ScmIntegrationRegistry) {
    this.#integrations = integrations;
    this.#github = DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  forRepo(repo: string): PullRequestClient {
    const github = this.#integrations.github.byUrl(repo);
    if (github?.config.apiBaseUrl) return GithubPullRequestClient.create({ apiBaseUrl: github.config.apiBaseUrl, credentials: this.#github });
    const gitlab = this.#integrations.gitlab.byUrl(repo);
    if (gitlab) return GitlabPullRequestClient.create({ apiBaseUrl: gitlab.config.apiBaseUrl, token: gitlab.config.token });
    const gitea = this.#integrations.gitea.byUrl(repo);
    if (gitea) return GiteaPullRequestClient.create({ baseUrl: gitea.config.baseUrl ?? `https://${gitea.config.host}`, username: gitea.config.username, password: gitea.config.password });
    throw new InputError(
      `GitOps strategy "pull-request" needs a GitHub, GitLab or Gitea integration (with an API URL) for ${new URL(repo).host} in Backstage's integrations config`,
    );
  }
}
