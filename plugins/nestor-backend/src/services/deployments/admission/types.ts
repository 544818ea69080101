import { Deployment, DeploymentRequest, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { StoredTeam } from '@nestor/plugin-nestor-node';
import { Caller } from '../../caller/CallerResolver';

/**
 * What an admission check sees of one `POST /deploy`.
 * @public
 */
export interface AdmissionContext {
  caller: Caller;
  /** the request as parsed (zod defaults applied) */
  request: DeploymentRequest;
  /** `<team>/<environment>/<name>` */
  ref: string;
  /** the buffet item at the version the request's range resolved to */
  definition: ResourceDefinition;
  /** the ordering team's config, when it has one, as read for this request (the checks do not read it again) */
  team?: StoredTeam;
  /**
   * The deployment this request updates (same ref, a new revision), when it
   * exists; checks then judge an update (permission and policy action
   * `update`, no new quota reservation).
   */
  existing?: Deployment;
  /** a dry run reserves nothing and emits nothing */
  dryRun: boolean;
}

/** One reason a request is refused. @public */
export interface AdmissionReason {
  /** a stable code such as `INVALID_PARAMETER` or `QUOTA_EXCEEDED` */
  code?: string;
  /** the request field at fault, e.g. `parameters.size` */
  field?: string;
  message: string;
  policyId?: string;
}

/** A refusal: the HTTP status and every reason. @public */
export interface AdmissionRejection {
  status: 400 | 403 | 404 | 409 | 422;
  reasons: AdmissionReason[];
}

/**
 * One step of deployment admission. `POST /deploy` runs the checks in order
 * and stops at the first refusal:
 *
 * 1. `resource` (404/400): the buffet item exists and the version range
 *    resolves to a concrete version (done before the others, which need the
 *    definition);
 * 2. `schema` (400): parameters against the item's JSON Schema (every failing
 *    field), the environment against those the item and the team allow;
 * 3. `engine` (422): the item's engine is registered and can deliver the
 *    team's way (GitOps target or cluster present);
 * 4. `permission` (403), 5. `policy` (403): plugged by the teams and policies
 *    services;
 * 6. `dependencies` (422): plugged by the dependency service;
 * 7. `quota` (422): plugged by the teams service; it reserves the
 *    deployment's share, so it runs last.
 *
 * A check that reserves something (a quota) implements `release`: admission
 * calls it, in reverse order, when a later check refuses, when persisting
 * fails, or when an idempotent replay returns an existing deployment (whose
 * own reservation stands). Checks must not keep per-request state outside
 * the context object (release receives the same object).
 * @public
 */
export interface AdmissionCheck {
  readonly name: string;
  check(context: AdmissionContext): Promise<AdmissionRejection | undefined>;
  release?(context: AdmissionContext): Promise<void>;
}
