import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Artifact,
  Condition,
  Deployment,
  DeploymentPhase,
  EngineSummary,
  ResourceDefinition,
} from '@nestor/plugin-nestor-common';
import { KubernetesApi } from '../kubernetes/types';

/** What an engine can do. @public */
export type EngineCapabilities = EngineSummary['capabilities'];

/** A problem an engine finds in a buffet item. @public */
export interface EngineValidationIssue {
  field: string;
  message: string;
}

/** Everything an engine needs to render one deployment. @public */
export interface EngineRenderContext {
  definition: ResourceDefinition;
  deployment: Deployment;
  /** parameters with the schema's defaults applied */
  parameters: Record<string, unknown>;
  /** outputs of the deployments this one depends on, by ref */
  dependencyOutputs: Record<string, Record<string, unknown>>;
  /** namespace derived from team and environment */
  namespace: string;
  /**
   * Where the deployment's artifacts are committed, when it is delivered by
   * GitOps. Engines whose rendered objects point back at their own files
   * (a generated Helm chart, a Terraform root module) need it.
   */
  gitops?: EngineGitopsLocation;
  /**
   * A logger whose every line carries the deployment's `deploymentRef`,
   * `deploymentId`, `revision` and, when an API request asked for the
   * revision, its `requestId`. Engines log their lines about the deployment
   * through it, and through their own module's logger when it is absent
   * (contexts built by hand, in tests).
   */
  logger?: LoggerService;
}

/** The Git location of one deployment's artifacts. @public */
export interface EngineGitopsLocation {
  /** the repository's clone URL */
  repo: string;
  branch: string;
  /** the deployment's folder in the repository, without leading or trailing slash (e.g. `nestor/dev/orders-db`) */
  path: string;
}

/** What {@link DeploymentEngine.render} returns. @public */
export interface RenderResult {
  /** per-deployment files, committed under `<path>/<environment>/<name>/` */
  artifacts: Artifact[];
  /** platform-level files (e.g. an XRD and Composition) shared by all deployments of the item */
  platformArtifacts?: Artifact[];
}

/** Where a direct apply or a status read goes. @public */
export interface EngineTarget {
  cluster?: string;
  /** the cluster's API, when one is configured for the deployment's environment */
  kubernetes?: KubernetesApi;
}

/** The status an engine reads back. @public */
export interface EngineStatus {
  /** the phase the deployment should move to, when the engine knows */
  phase?: Extract<DeploymentPhase, 'Syncing' | 'Ready' | 'Failed'>;
  conditions: Condition[];
  outputs?: Record<string, unknown>;
  message?: string;
}

/**
 * What {@link DeploymentEngine.detectDrift} finds: whether the deployment's
 * real resources still match what was delivered.
 * @public
 */
export interface EngineDriftReport {
  drifted: boolean;
  /** one line for the deployment's `Drifted` condition (e.g. a plan's summary) */
  message?: string;
  /** longer text (e.g. the changes a plan lists), carried by the drift event */
  details?: string;
}

/**
 * A deployment engine (Crossplane, Pulumi, Terraform, Helm, ...). Engines
 * render Kubernetes-native artifacts so GitOps delivery works the same for all.
 * @public
 */
export interface DeploymentEngine {
  /** the value of `spec.engine` this engine serves */
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /** Checks a buffet item's engine block; an empty list means valid. */
  validate(definition: ResourceDefinition): Promise<EngineValidationIssue[]>;
  render(context: EngineRenderContext): Promise<RenderResult>;
  /** Direct mode: applies rendered artifacts to the target. */
  apply?(context: EngineRenderContext, rendered: RenderResult, target: EngineTarget): Promise<void>;
  /** Reads the deployment's status from where it runs. */
  status(context: EngineRenderContext, target: EngineTarget): Promise<EngineStatus>;
  /**
   * Optional: checks whether a `Ready` deployment's resources have drifted
   * from what was delivered (Terraform direct mode: `terraform plan
   * -detailed-exitcode`). The backend's drift monitor calls it on a schedule,
   * under the deployment's lease, and reports what it finds as the
   * deployment's `Drifted` condition; it never re-applies. `undefined` means
   * the engine has no answer of its own for this deployment (another delivery
   * mode, a check switched off): the monitor then judges from
   * {@link DeploymentEngine.status}, as it does for engines without this
   * method (a status that is no longer `Ready` is drift). Throw a
   * {@link TransientEngineError} when the check could not run now.
   */
  detectDrift?(context: EngineRenderContext, target: EngineTarget): Promise<EngineDriftReport | undefined>;
  /** Tears the deployment down (direct mode), or returns what to delete (GitOps). */
  destroy(context: EngineRenderContext, target: EngineTarget): Promise<void>;
  health(): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }>;
}

/**
 * A transient failure: the coordinator retries it with backoff.
 * @public
 */
export class TransientEngineError extends Error {
  readonly name = 'TransientEngineError';
}
