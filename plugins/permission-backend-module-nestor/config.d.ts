export interface Config {
  permission?: {
    /**
     * The team-aware permission policy of `@nestor/plugin-permission-backend-module-nestor`.
     */
    nestor?: {
      /**
       * Entity refs of the platform admins: groups (`group:default/platform-admins`)
       * or users. A bare name is a group in the default namespace. Admins are
       * allowed every Nestor permission on every team.
       */
      admins?: string[];
      /**
       * Restrictions per environment, on top of team membership: in the listed
       * environments, only members of `allow` may perform `actions`.
       * Example: only group `sre` may deploy to `prod`.
       */
      environments?: Array<{
        /** environment names, e.g. `[prod]` */
        environments: string[];
        /** entity refs of the groups (or users) still allowed; a bare name is a group */
        allow: string[];
        /**
         * what is restricted: `create` (deploy), `update` (rollback,
         * redeploy), `delete` (cancel, tear down), `read`.
         * Defaults to `[create, update, delete]`.
         */
        actions?: Array<'create' | 'update' | 'delete' | 'read'>;
      }>;
      /**
       * The decision for permissions that are not Nestor's (catalog,
       * scaffolder, ...): `allow` or `deny`. Default `allow`. A policy
       * written in code can pass its own fallback policy instead.
       */
      fallback?: 'allow' | 'deny';
    };
  };
}
