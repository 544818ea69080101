import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Nestor platform orchestrator. */
  nestor?: {
    /** Where Nestor keeps its state. */
    storage?: {
      /**
       * `database` (default: Backstage's database through Knex) or the type a
       * store module registers, e.g. `dynamodb`. An unknown type stops start-up.
       */
      type?: string;
    };
    /** Git repositories or local folders holding definitions, team configs and policies. */
    sources?: Array<{
      /** Stable id, used in `/catalog/sources/{id}` and `/webhooks/git/{id}`. */
      id: string;
      /** A Git repository URL (HTTPS); credentials come from `integrations`. Exactly one of url and path. */
      url?: string;
      /** A local folder (relative to the backend's working directory). */
      path?: string;
      /** Branch to follow. Default `main`. */
      branch?: string;
      /** Folder inside the repository to read. */
      subPath?: string;
      /**
       * Shared secret of push webhooks (GitHub `X-Hub-Signature-256`, GitLab
       * `X-Gitlab-Token`, Gitea `X-Gitea-Signature`).
       * @visibility secret
       */
      webhookSecret?: string;
    }>;
    /** Scheduled catalog sync. */
    sync?: {
      schedule?: {
        /** Default 5 minutes. */
        frequency?: HumanDuration;
        /** Default 3 minutes. */
        timeout?: HumanDuration;
        initialDelay?: HumanDuration;
      };
      /**
       * Limits that keep one hostile file from stalling a sync or exhausting
       * memory; a file or document beyond one is reported as a file error
       * (path, line, reason) and the last good version of its items is kept.
       */
      limits?: {
        /** Largest YAML (and Cedar) file parsed, in bytes; a larger one is reported, not parsed. Default 1048576 (1 MiB). */
        maxFileBytes?: number;
        /** Most documents in one file. Default 1000. */
        maxDocuments?: number;
        /** Aliases resolved per document (alias bombs); 0 allows none. Default 100. */
        maxAliasCount?: number;
        /** Deepest nesting of collections in one document. Default 64. */
        maxDepth?: number;
      };
    };
    /** Which teams a service principal (a processor's token subject) acts for. */
    serviceAccess?: Array<{
      subject: string;
      /** Team ids, or `['*']` for every team. */
      teams: string[];
    }>;
    /** Event log and Server-Sent Events. */
    events?: {
      /** How long events are kept for replay. Default 7 days. */
      retention?: { days?: number };
      /** Interval of SSE heartbeat comments. Default 15 seconds. */
      heartbeat?: { seconds?: number };
      /** Default 10000. */
      maxConnections?: number;
      /** Default 1000. */
      maxConnectionsPerTeam?: number;
      /** `retry:` hint sent to SSE clients, in ms. Default 3000. */
      retryMs?: number;
    };
    /** Clusters for direct delivery and status reads. */
    kubernetes?: {
      clusters?: Array<{
        name: string;
        url: string;
        /** @visibility secret */
        serviceAccountToken?: string;
        /** @visibility secret */
        caData?: string;
        skipTLSVerify?: boolean;
      }>;
    };
    /** Deployment workers. */
    coordinator?: {
      /** Run workers on this replica. Default true. */
      enabled?: boolean;
      /**
       * How often idle workers look for work, in ms. Default 1000. Work this
       * replica admits starts at once when a worker is free; polling finds
       * the rest (other replicas' work, waits that are over, crash recovery).
       */
      pollIntervalMs?: number;
      /** Lease length; a crashed replica's work resumes after it. Default 30. */
      leaseSeconds?: number;
      /** Attempts for transient errors before `Failed`. Default 5. */
      maxAttempts?: number;
      /** First retry delay, doubled each attempt. Default 1000. */
      backoffMs?: number;
      /**
       * Deployments worked on at once by this replica. Default 8: a worker
       * mostly waits (database round trips, Git, clusters, cloud APIs), so a
       * 2-core replica keeps 8 busy; lower it where engines run heavy local
       * processes (Terraform, Helm) on few cores.
       */
      concurrency?: number;
      /** Deployments of one team worked on at once by this replica. Default 2. */
      perTeamConcurrency?: number;
      /** How often the status of a syncing deployment (and of dependencies it waits for) is read, in ms. Default 5000. */
      statusPollMs?: number;
      /**
       * The scheduled drift check of `Ready` and `RolledBack` deployments (one
       * replica runs it at a time). Drift is reported as the deployment's
       * `Drifted` condition and a `deployment.phase` event; nothing is re-applied.
       */
      driftCheck?: {
        /** Default true. */
        enabled?: boolean;
        /** Default every 10 minutes. */
        frequency?: HumanDuration;
        /** Time limit of one run over every deployment. Default 30 minutes. */
        timeout?: HumanDuration;
        initialDelay?: HumanDuration;
        /** Deployments checked at once. Default 2. */
        concurrency?: number;
      };
    };
    /** GitOps delivery. */
    gitops?: {
      /** Commit message template; `{{action}}`, `{{ref}}`, `{{revision}}`, `{{requester}}`, `{{resource}}`. */
      commitMessage?: string;
      author?: { name?: string; email?: string };
      /** The `pull-request` strategy (a branch and a PR/MR per deployment revision, opened through the GitHub, GitLab or Gitea integration). */
      pullRequest?: {
        /** Prefix of the branches Nestor pushes. Default `nestor/`. */
        branchPrefix?: string;
        /** Title template (same placeholders as `commitMessage`). */
        title?: string;
      };
    };
    /** Argo CD instances Nestor creates team/environment apps in, syncs and reads status from. */
    argocd?: {
      instances?: Array<{
        name: string;
        /** Base URL of the Argo CD API server. */
        url: string;
        /** @visibility secret */
        token: string;
        /** Namespace of the Applications (`appNamespace`); Argo CD's own by default. */
        namespace?: string;
        /** AppProject of Nestor's applications. Default `default`. */
        project?: string;
      }>;
    };
    /**
     * Circuit breakers around Git hosts, Argo CD instances and Kubernetes
     * clusters (one breaker each). Only outages count: network errors, 5xx
     * and 429 answers.
     */
    circuitBreakers?: {
      /** Consecutive failures that open a breaker. Default 5. */
      failureThreshold?: number;
      /** How long an open breaker refuses calls before it lets one test call through, in ms. Default 30000. */
      halfOpenAfterMs?: number;
      /**
       * How long one Argo CD, Kubernetes, pull-request API or `ls-remote` call may take before
       * it is abandoned as a failure, in ms. Default 30000. Git fetches and pushes are not cut
       * short (catalog fetches are bounded by the sync timeout).
       */
      callTimeoutMs?: number;
    };
    /** Settings of engine modules, one block per engine (each module documents its own). */
    engines?: {
      [engine: string]: object;
    };
    /** Dependency rules. */
    dependencies?: {
      /** Dependencies must be in the deployment's environment. Default true. */
      requireSameEnvironment?: boolean;
    };
  };
}
