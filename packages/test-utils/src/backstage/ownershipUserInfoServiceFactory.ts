import { BackstageCredentials, coreServices, createServiceFactory } from '@backstage/backend-plugin-api';

/**
 * A user info service that answers each user's ownership entity refs from a
 * map (user entity ref → refs), as the catalog-backed one would from the
 * user's groups. Users not in the map own only themselves.
 */
export function ownershipUserInfoServiceFactory(ownership: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: BackstageCredentials) {
        const principal = credentials.principal as { type: string; userEntityRef?: string };
        if (principal.type !== 'user' || !principal.userEntityRef) {
          throw new Error(`user info asked for a ${principal.type} principal`);
        }
        const ref = principal.userEntityRef;
        return { userEntityRef: ref, ownershipEntityRefs: ownership[ref] ?? [ref] };
      },
    }),
  });
}
