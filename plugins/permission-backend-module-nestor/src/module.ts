import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { NestorPermissionPolicy } from './NestorPermissionPolicy';

/**
 * Installs {@link NestorPermissionPolicy} as the permission backend's policy,
 * configured from `permission.nestor`.
 * @public
 */
export const permissionModuleNestorPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'nestor-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        policy.setPolicy(NestorPermissionPolicy.fromConfig(config, { userInfo }));
      },
    });
  },
});
