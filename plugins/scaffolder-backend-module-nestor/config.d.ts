export interface Config {
  scaffolder?: {
    /** Options of `@nestor/plugin-scaffolder-backend-module-nestor`. */
    nestor?: {
      /**
       * Where Nestor's frontend is mounted in the app, for the `url` output
       * of `nestor:deploy` (`<app.baseUrl><appPath>/deployments/<id>`).
       * Default `/nestor`.
       */
      appPath?: string;
    };
  };
}
