export interface Config {
  nestor?: {
    engines?: {
      /** The Pulumi engine. */
      pulumi?: {
        /** Prefixes stack names: `<organization>/<team>-<environment>-<name>`. */
        organization?: string;
        /** Fields of every rendered `Stack` (Pulumi Kubernetes Operator). */
        stack?: {
          /** State backend URL (`s3://...`, `https://api.pulumi.com`, ...); the operator's default when absent. */
          backend?: string;
          /** Service account of the stack's workspace pod. */
          serviceAccountName?: string;
          /** How often the operator re-runs a stack to correct drift, in seconds (at least 60). Default 300. */
          resyncFrequencySeconds?: number;
          /** Refresh before each update, so drift is seen. Default true. */
          refresh?: boolean;
          /** Secrets provider of new stacks (`awskms://...`). */
          secretsProvider?: string;
          /**
           * Environment variables of the stack's workspace read from Secrets in the
           * deployment's namespace, e.g. `PULUMI_ACCESS_TOKEN: { name: pulumi, key: token }`.
           */
          envFromSecrets?: { [variable: string]: { name: string; key: string } };
        };
        /** Direct delivery. */
        direct?: {
          /**
           * `operator` (default): apply the Program and Stack to the environment's
           * cluster; `automation`: run the `pulumi` CLI on the backend's host.
           */
          mode?: 'operator' | 'automation';
          /** The pulumi CLI. Default `pulumi` (from the PATH). */
          binary?: string;
          /** Root of the per-deployment working directories. Default `.nestor/pulumi`. */
          workingDirectory?: string;
          /** State backend of the CLI. Default `file://<workingDirectory>/.state`. */
          backendUrl?: string;
          /**
           * Passphrase of the stacks' secrets (passphrase secrets provider). Default empty.
           * @visibility secret
           */
          passphrase?: string;
          /** How long to wait for another worker's lock on a workspace. Default 30. */
          lockTimeoutSeconds?: number;
          /** Timeout of one pulumi command. Default 30. */
          commandTimeoutMinutes?: number;
        };
      };
    };
  };
}
