export interface Config {
  nestor?: {
    storage?: {
      /**
       * The DynamoDB store (module `@nestor/plugin-nestor-backend-module-dynamodb`),
       * used when `nestor.storage.type` is `dynamodb`. Credentials come from
       * Backstage's AWS configuration (`aws.mainAccount`, `aws.accounts`) or,
       * without it, from the standard AWS chain (environment, shared files,
       * web identity, container and instance roles).
       */
      dynamodb?: {
        /** Name of the table (3-255 of a-z, A-Z, 0-9, `_`, `.`, `-`). Required. */
        tableName: string;
        /** AWS region of the table, e.g. `eu-west-1`. Required (any value for a local endpoint). */
        region: string;
        /**
         * Another endpoint than AWS's, e.g. `http://127.0.0.1:4567` for a local
         * dynalite or DynamoDB Local.
         */
        endpoint?: string;
        /**
         * Create the table when it is missing. Default false. Meant for
         * development; production tables come from `deploy/dynamodb/`.
         */
        createTable?: boolean;
        /**
         * AWS account whose credentials to use, from `aws.accounts` (for a
         * role to assume). Default: the main account.
         */
        accountId?: string;
        /**
         * How long an event id reserved by a writer that has not written it
         * yet holds readers back before it is sealed as a hole. Default 30.
         */
        eventHoleGraceSeconds?: number;
        /** Retries of throttled and failed requests (exponential backoff, full jitter). */
        retry?: {
          /** Attempts in all, the first included. Default 8. */
          maxAttempts?: number;
          /** First backoff ceiling in ms, doubled at every attempt. Default 25. */
          baseDelayMs?: number;
          /** Highest backoff ceiling in ms. Default 2000. */
          maxDelayMs?: number;
        };
      };
    };
  };
}
