import { CatalogItem, CatalogItemVersion, SourceStatus } from '../models/CatalogItem';
import { Deployment, DeploymentPhase } from '../models/Deployment';
import { Dependency, DependencyError } from '../models/Dependency';
import { DeploymentRequestInput } from '../models/DeploymentRequest';
import { NestorEventType } from '../models/NestorEvent';
import { QuotaLimits, TeamConfig } from '../models/TeamConfig';

/** A page of results with an opaque cursor. @public */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** `GET /catalog` query. @public */
export interface CatalogQuery {
  q?: string;
  type?: string;
  engine?: string;
  tag?: string;
  owner?: string;
  limit?: number;
  cursor?: string;
}

/** `GET /catalog` answer. @public */
export interface CatalogListResponse extends Page<CatalogItem> {
  totalCount: number;
}

/** `GET /catalog/{name}/versions` answer. @public */
export interface CatalogVersionsResponse {
  items: CatalogItemVersion[];
}

/** `GET /catalog/sources` answer. @public */
export interface CatalogSourcesResponse {
  items: SourceStatus[];
}

/** `GET /deployments` query. @public */
export interface DeploymentQuery {
  team?: string;
  environment?: string;
  phase?: DeploymentPhase;
  resource?: string;
  limit?: number;
  cursor?: string;
}

/** `POST /validate-dependencies` body. @public */
export interface ValidateDependenciesRequest {
  requests: DeploymentRequestInput[];
}

/** `POST /validate-dependencies` answer. @public */
export interface ValidateDependenciesResponse {
  valid: boolean;
  errors: DependencyError[];
  order: string[][];
}

/** `GET /dependencies` answer. @public */
export interface DependenciesResponse {
  items: Dependency[];
}

/** A node of `GET /dependencies/graph`. @public */
export interface DependencyGraphNode {
  ref: string;
  team: string;
  environment: string;
  resource?: string;
  phase?: DeploymentPhase;
  /** false when the caller sees that the node exists but not its details */
  visible: boolean;
}

/** `GET /dependencies/graph?format=json` answer. @public */
export interface DependencyGraphResponse {
  nodes: DependencyGraphNode[];
  edges: Dependency[];
  cycles: string[][];
}

/** One dependent found by impact analysis. @public */
export interface ImpactEntry {
  ref: string;
  team: string;
  depth: number;
  /** from the dependent down to the queried ref */
  path: string[];
}

/** `GET /dependencies/impact` answer. @public */
export interface ImpactResponse {
  ref: string;
  dependents: ImpactEntry[];
  teams: string[];
}

/** A team as `GET /teams` shows it. @public */
export interface TeamSummary {
  id: string;
  title?: string;
  description?: string;
  /** shown only to callers who may read the team's deployments */
  config?: TeamConfig;
  /** where the TeamConfig was read from (with `config`) */
  source?: { id: string; path: string; commit: string };
  /** the catalog Group of the same name, when there is one */
  group?: { ref: string; members: string[]; parent?: string; children: string[] };
  /** what the caller may do for this team */
  permissions: {
    /** the caller acts for the team (an ownership group, or `nestor.serviceAccess`) */
    member: boolean;
    /** may deploy to at least one of the team's environments */
    deploy: boolean;
    /** may read the team's deployments in at least one environment */
    read: boolean;
    /** per environment of the team */
    environments: Record<string, { read: boolean; deploy: boolean; update: boolean; destroy: boolean }>;
  };
}

/** `GET /teams` answer. @public */
export interface TeamsResponse {
  items: TeamSummary[];
}

/** Usage against limits, per environment. @public */
export interface QuotaUsage {
  environment: string;
  limits: QuotaLimits;
  usage: {
    deployments: number;
    monthlyCost: number;
    perType: Record<string, { deployments: number; monthlyCost: number }>;
  };
}

/** `GET /teams/{id}/quotas` answer. @public */
export interface QuotasResponse {
  team: string;
  items: QuotaUsage[];
}

/** One check of a dry-run verdict. @public */
export interface VerdictCheck {
  check: 'schema' | 'dependencies' | 'quota' | 'policy' | 'permission';
  allowed: boolean;
  reasons: Array<{ code?: string; message: string; field?: string; policyId?: string }>;
}

/** `POST /teams/{id}/validate` answer. @public */
export interface DeploymentVerdict {
  allowed: boolean;
  checks: VerdictCheck[];
}

/** An engine as `GET /engines` shows it. @public */
export interface EngineSummary {
  name: string;
  capabilities: {
    delivery: Array<'gitops' | 'direct'>;
    outputs: boolean;
    drift: boolean;
  };
  health: { status: 'ok' | 'degraded' | 'down'; message?: string };
}

/** `GET /engines` answer. @public */
export interface EnginesResponse {
  items: EngineSummary[];
}

/**
 * One circuit breaker of the backend (one per Git host, Argo CD instance and
 * Kubernetes cluster it has called), as `GET /health/ready` shows it.
 * @public
 */
export interface ReadinessCircuit {
  system: 'git' | 'argocd' | 'kubernetes';
  /** the Git host, the Argo CD instance or the cluster */
  target: string;
  state: 'closed' | 'open' | 'half-open';
  /** when it entered this state */
  since: string;
  /** the failure that last opened it */
  lastFailure?: string;
  /** when an open breaker lets a test call through */
  retryAt?: string;
  /** its last state changes, oldest first */
  transitions: Array<{ state: 'closed' | 'open' | 'half-open'; at: string }>;
}

/** `GET /health/ready` answer. @public */
export interface ReadinessResponse {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { status: 'ok' | 'degraded' | 'down'; message?: string; durationMs?: number }>;
  /** every circuit breaker used so far */
  circuits?: ReadinessCircuit[];
}

/** `POST /deployments/{id}/rollback` body. @public */
export interface RollbackRequest {
  toRevision?: number;
}

/** Filters of `GET /events`. @public */
export interface EventFilters {
  team?: string;
  types?: NestorEventType[];
}

/** `GET /deployments` answer. @public */
export type DeploymentListResponse = Page<Deployment>;
