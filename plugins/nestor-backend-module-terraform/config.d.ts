export interface Config {
  nestor?: {
    engines?: {
      /** The Terraform engine. */
      terraform?: {
        /**
         * Where states are kept. GitOps: `s3` is written into the Terraform
         * object's backend; otherwise the tofu-controller keeps each state in a
         * Kubernetes Secret in the deployment's namespace. Direct: the backend
         * block of each working directory. Default `local`.
         */
        stateBackend?:
          | {
              type: 'local';
              /** Direct mode: state files at `<directory>/<team>/<environment>/<name>.tfstate`. Default `.nestor/terraform-state`. */
              directory?: string;
            }
          | {
              type: 'kubernetes';
              /** Direct mode: namespace of the state Secrets. Default `nestor-terraform`. */
              namespace?: string;
              /** Direct mode: use the pod's service account. Default true (ignored when configPath is set). */
              inClusterConfig?: boolean;
              /** Direct mode: a kubeconfig file instead. */
              configPath?: string;
            }
          | {
              type: 's3';
              bucket: string;
              region: string;
              /** States at `<keyPrefix>/<team>/<environment>/<name>/terraform.tfstate`. Default `nestor`. */
              keyPrefix?: string;
              /** The DynamoDB table Terraform locks states with. */
              dynamodbTable: string;
              /** Default true. */
              encrypt?: boolean;
            };
        /** GitOps delivery: the tofu-controller's `Terraform` objects. */
        gitops?: {
          /** The Flux source the controller reads the committed root modules from. */
          sourceRef?: {
            /** Default `GitRepository`. */
            kind?: 'GitRepository' | 'OCIRepository' | 'Bucket';
            /** `{team}` is replaced by the deployment's team. Default `flux-system`. */
            name?: string;
            /** Default `flux-system`. */
            namespace?: string;
          };
          /** How often the controller re-plans (a Go duration). Default `10m`. */
          interval?: string;
          /** Service account of the runner pods. */
          serviceAccountName?: string;
          /** `auto` (default) applies every plan; `manual` leaves plans for approval. */
          approvePlan?: 'auto' | 'manual';
        };
        /** Direct delivery: the terraform CLI on the backend's host. */
        direct?: {
          /** The terraform CLI. Default `terraform` (from the PATH). */
          binary?: string;
          /** Root of the per-deployment working directories. Default `.nestor/terraform`. */
          workingDirectory?: string;
          /** Local module sources (`./modules/x`) are resolved against this folder. Default the backend's working directory. */
          modulesDirectory?: string;
          /** How long to wait for another worker's lock on a workspace (and for Terraform's state lock). Default 30. */
          lockTimeoutSeconds?: number;
          /** Timeout of one terraform command. Default 30. */
          commandTimeoutMinutes?: number;
          /**
           * Environment of every terraform command (provider credentials, TF_PLUGIN_CACHE_DIR, ...).
           * @visibility secret
           */
          env?: { [name: string]: string };
          /**
           * `terraform plan -detailed-exitcode` of an applied direct deployment when the
           * backend's drift monitor checks it (`nestor.coordinator.driftCheck` sets how often).
           */
          driftDetection?: {
            /** Default true; false judges direct deployments from their status only (no plan runs). */
            enabled?: boolean;
          };
        };
      };
    };
  };
}
