import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * LOCAL-DEV FALLBACK: allows every permission request.
 *
 * `@nestor/plugin-permission-backend-module-nestor` replaces this with the
 * team-aware policy once it lands; the backend must then stop adding this
 * module (the permission backend accepts exactly one policy).
 */
export class LocalDevAllowAllPolicy implements PermissionPolicy {
  async handle() {
    return { result: AuthorizeResult.ALLOW } as const;
  }
}

/**
 * Registers {@link LocalDevAllowAllPolicy} with the permission backend.
 * Never use it outside local development.
 */
export const localDevPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'local-dev-allow-all-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new LocalDevAllowAllPolicy());
      },
    });
  },
});
