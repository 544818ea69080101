import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  DefaultGitlabCredentialsProvider,
  GithubCredentialsProvider,
  GitlabCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import { GitAuth } from './types';

/**
 * Finds the Git credentials for a repository URL in Backstage's
 * `integrations` config: GitHub (token or GitHub App, user
 * `x-access-token`), GitLab (token, user `oauth2`), Gitea (username and
 * password), Bitbucket Server and Cloud, and Gerrit. A URL that matches no
 * integration (plain Git) is fetched without credentials.
 * @public
 */
export class GitCredentialsResolver {
  readonly #integrations: ScmIntegrationRegistry;
  readonly #github: GithubCredentialsProvider;
  readonly #gitlab: GitlabCredentialsProvider;

  static fromConfig(config: Config): GitCredentialsResolver {
    return GitCredentialsResolver.create(ScmIntegrations.fromConfig(config));
  }

  static create(integrations: ScmIntegrationRegistry): GitCredentialsResolver {
    return new GitCredentialsResolver(integrations);
  }

  private constructor(integrations: ScmIntegrationRegistry) {
    this.#integrations = integrations;
    this.#github = DefaultGithubCredentialsProvider.fromIntegrations(integrations);
    this.#gitlab = DefaultGitlabCredentialsProvider.fromIntegrations(integrations);
  }

  /** The integration type that serves the URL, or `undefined` for plain Git. */
  integrationType(url: string): string | undefined {
    return this.#integrations.byUrl(url)?.type;
  }

  async resolve(url: string): Promise<GitAuth | undefined> {
    const integration = this.#integrations.byUrl(url);
    switch (integration?.type) {
      case 'github': {
        const { token } = await this.#github.getCredentials({ url });
        return token ? { username: 'x-access-token', password: token } : undefined;
      }
      case 'gitlab': {
        const { token } = await this.#gitlab.getCredentials({ url });
        return token ? { username: 'oauth2', password: token } : undefined;
      }
      case 'gitea': {
        const { username, password } = this.#integrations.gitea.byUrl(url)!.config;
        return username && password ? { username, password } : undefined;
      }
      case 'bitbucketServer': {
        const { username, password, token } = this.#integrations.bitbucketServer.byUrl(url)!.config;
        if (username && password) return { username, password };
        return token ? { username: 'x-token-auth', password: token } : undefined;
      }
      case 'bitbucketCloud': {
        const { username, appPassword, token } = this.#integrations.bitbucketCloud.byUrl(url)!.config;
        if (username && appPassword) return { username, password: appPassword };
        return token ? { username: 'x-token-auth', password: token } : undefined;
      }
      case 'gerrit': {
        const { username, password } = this.#integrations.gerrit.byUrl(url)!.config;
        return username && password ? { username, password } : undefined;
      }
      default:
        return undefined;
    }
  }
}
