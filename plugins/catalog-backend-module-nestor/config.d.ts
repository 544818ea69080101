import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The Nestor entity provider of `@nestor/plugin-catalog-backend-module-nestor`:
       * buffet items, a Template per item and deployments in the catalog.
       * Nestor must let the catalog's service principal (`plugin:catalog`)
       * see every team: `nestor.serviceAccess: [{ subject: plugin:catalog, teams: ['*'] }]`.
       */
      nestor?: {
        /** Namespace of the entities the provider writes. Default `default`. */
        namespace?: string;
        /** Namespace of the teams' Group entities (a team id is a Group name). Default `default`. */
        groupNamespace?: string;
        /**
         * The full refresh: every entity read again and replaced in one
         * mutation. Events keep the catalog current in between; this is the
         * safety net. Default every 30 minutes with a 10 minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Follow Nestor's event stream (`GET /events`) for delta updates. Default true. */
        events?: boolean;
        /** Publish a scaffolder Template per buffet item. Default true. */
        templates?: boolean;
        /** Publish a Resource per deployment. Default true. */
        deployments?: boolean;
        /** Where Nestor's frontend is mounted in the app, for entity links. Default `/nestor`. */
        appPath?: string;
        /** How long events are gathered into one delta mutation, in milliseconds. Default 250. */
        batchDelayMs?: number;
      };
    };
  };
}
