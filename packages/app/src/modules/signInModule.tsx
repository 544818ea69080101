import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Sign-in with the guest provider, which the backend only accepts in
 * development (`auth.providers.guest` in app-config.yaml). Replaces the app
 * plugin's default `sign-in-page:app` extension.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => {
          const { SignInPage } = await import('@backstage/core-components');
          return props => (
            <SignInPage
              {...props}
              title="Sign in to Nestor"
              align="center"
              providers={['guest']}
            />
          );
        },
      },
    }),
  ],
});
