import { AuthService, coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * Backstage's mock auth service, except that a plugin's token on behalf of
 * a user authenticates as that user *with an actor* (the calling plugin),
 * as the real auth service does. The real permission backend refuses
 * conditional decisions to user credentials without an actor, so plugins
 * that ask for conditional decisions need this in `startTestBackend`.
 */
export const actorAwareMockAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      async authenticate(token, options) {
        const credentials = await inner.authenticate(token, options);
        const principal = credentials.principal as { type: string; userEntityRef?: string };
        if (token.startsWith(SERVICE_TOKEN_PREFIX) && principal.type === 'user') {
          return mockCredentials.user(principal.userEntityRef!, { actor: { subject: 'plugin' } }) as any;
        }
        return credentials;
      },
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: ((credentials: any, type: any) => inner.isPrincipal(credentials, type)) as AuthService['isPrincipal'],
      getPluginRequestToken: options => inner.getPluginRequestToken(options),
      getLimitedUserToken: credentials => inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
    };
  },
});
