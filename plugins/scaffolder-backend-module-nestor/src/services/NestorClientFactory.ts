import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NestorClient } from '@nestor/plugin-nestor-common';

/**
 * Builds Nestor clients that act for a task's initiator: each request
 * carries a token the auth service issues on behalf of the initiator's
 * credentials, so Nestor applies that user's teams and permissions, never
 * the scaffolder's own.
 * @public
 */
export class NestorClientFactory {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #appUrl?: string;

  static fromConfig(
    config: Config,
    options: { discovery: DiscoveryService; auth: AuthService },
  ): NestorClientFactory {
    const appBaseUrl = config
      .getOptionalString('app.baseUrl')
      ?.replace(/\/+$/, '');
    const appPath = (
      config.getOptionalString('scaffolder.nestor.appPath') ?? '/nestor'
    ).replace(/\/+$/, '');
    return new NestorClientFactory({
      ...options,
      appUrl: appBaseUrl ? `${appBaseUrl}${appPath}` : undefined,
    });
  }

  private constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    appUrl?: string;
  }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#appUrl = options.appUrl;
  }

  /** A client whose every request (and event stream reconnection) asks for a fresh token for `credentials`. */
  forCredentials(
    credentials: () => Promise<BackstageCredentials>,
  ): NestorClient {
    return new NestorClient({
      discoveryApi: this.#discovery,
      token: async () =>
        (
          await this.#auth.getPluginRequestToken({
            onBehalfOf: await credentials(),
            targetPluginId: 'nestor',
          })
        ).token,
    });
  }

  /** The page of a deployment in Nestor's frontend, when the app URL is known. */
  deploymentUrl(id: string): string | undefined {
    return this.#appUrl
      ? `${this.#appUrl}/deployments/${encodeURIComponent(id)}`
      : undefined;
  }
}
