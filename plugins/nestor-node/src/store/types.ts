import {
  CatalogItem,
  CatalogItemVersion,
  Deployment,
  DeploymentPhase,
  NestorEvent,
  NewNestorEvent,
  ResourceDefinition,
  SourceStatus,
  TeamConfig,
} from '@nestor/plugin-nestor-common';

/**
 * A buffet item to write, with where it came from.
 * @public
 */
export interface CatalogItemWrite {
  definition: ResourceDefinition;
  source: { id: string; url: string; path: string; commit: string; line?: number };
}

/** The result of {@link CatalogStore.applyChanges}. @public */
export interface CatalogChangeResult {
  /** items whose stored definition changed (created or updated) */
  updated: CatalogItem[];
  /** names of items removed */
  removed: string[];
}

/** Query of {@link CatalogStore.listItems}. @public */
export interface CatalogListQuery {
  q?: string;
  type?: string;
  engine?: string;
  tag?: string;
  owner?: string;
  /**
   * Only items visible to these teams (public items, items whose visibility
   * lists one of them, items they own). Undefined means no filter.
   */
  visibleToTeams?: string[];
  limit: number;
  cursor?: string;
}

/**
 * The buffet: current items and their history.
 * @public
 */
export interface CatalogStore {
  /**
   * Upserts and deletes in one batch; unchanged upserts are not written and not returned.
   * An upsert is unchanged when its definition and its source location (id, url,
   * path, line) are; a new commit alone changes nothing, so `source.commit` is the
   * commit of the item's last change. A moved but otherwise unchanged item is
   * written without a new version and not returned. Every created, updated and
   * removed item gets a version entry. Deleting an unknown name is ignored; a name
   * given twice (in upserts, or in both lists) is an InputError.
   */
  applyChanges(
    changes: { upserts: CatalogItemWrite[]; deletes: string[] },
    context: { syncedAt?: string },
  ): Promise<CatalogChangeResult>;
  /**
   * The current item; with `version`, the item as it was at that definition
   * version, read from the history (also after the item was removed).
   */
  getItem(name: string, options?: { version?: string }): Promise<CatalogItem | undefined>;
  /** The current items among `names`, in name order; unknown names are skipped. */
  getItems(names: string[]): Promise<CatalogItem[]>;
  /**
   * Items in name order. The cursor is keyset-based: items added or removed
   * between pages never make a page repeat or skip another item. An unreadable
   * cursor is an InputError.
   */
  listItems(query: CatalogListQuery): Promise<{ items: CatalogItem[]; nextCursor?: string; totalCount: number }>;
  /** The item's history, newest first (kept after the item is removed). */
  listVersions(name: string): Promise<CatalogItemVersion[]>;
  /** Items read from the given source, optionally only from the given file paths. */
  listItemsBySource(sourceId: string, paths?: string[]): Promise<Array<{ name: string; path: string }>>;
}

/**
 * Sync state of catalog sources.
 * @public
 */
export interface SourceStore {
  getSourceStatus(id: string): Promise<SourceStatus | undefined>;
  listSourceStatuses(): Promise<SourceStatus[]>;
  putSourceStatus(status: SourceStatus): Promise<void>;
}

/** A stored team config with its origin. @public */
export interface StoredTeam {
  id: string;
  config: TeamConfig;
  source: { id: string; path: string; commit: string };
  updatedAt: string;
}

/** One quota counter bucket. @public */
export interface QuotaBucket {
  team: string;
  environment: string;
  /** `*` for the whole environment, or a resource type */
  scope: string;
}

/** Limits checked atomically by {@link TeamStore.reserveQuota}. @public */
export interface QuotaReservation {
  team: string;
  environment: string;
  resourceType: string;
  monthlyCost: number;
  limits: {
    maxDeployments?: number;
    maxMonthlyCost?: number;
    perType?: { maxDeployments?: number; maxMonthlyCost?: number };
  };
}

/** The result of a reservation attempt. @public */
export type QuotaReservationResult =
  | { ok: true }
  | { ok: false; limit: 'maxDeployments' | 'maxMonthlyCost'; scope: string; current: number; max: number };

/** Usage counters per environment and scope. @public */
export interface QuotaUsageRow extends QuotaBucket {
  deployments: number;
  monthlyCost: number;
}

/**
 * Teams and their quota usage.
 * @public
 */
export interface TeamStore {
  putTeams(teams: StoredTeam[]): Promise<void>;
  deleteTeams(ids: string[]): Promise<void>;
  getTeam(id: string): Promise<StoredTeam | undefined>;
  listTeams(): Promise<StoredTeam[]>;
  /**
   * Atomically adds one deployment and its cost to the team's usage if every
   * limit still holds; on refusal nothing is changed.
   */
  reserveQuota(reservation: QuotaReservation): Promise<QuotaReservationResult>;
  /** Gives back what {@link TeamStore.reserveQuota} took. */
  releaseQuota(reservation: Omit<QuotaReservation, 'limits'>): Promise<void>;
  getQuotaUsage(team: string): Promise<QuotaUsageRow[]>;
}

/** A Cedar policy file as stored. @public */
export interface StoredPolicy {
  /** `global` or a team id */
  scope: string;
  path: string;
  text: string;
}

/**
 * The policy set in force (replaced whole, only by a valid set).
 * @public
 */
export interface PolicyStore {
  getPolicySet(sourceId: string): Promise<{ policies: StoredPolicy[]; commit: string } | undefined>;
  listPolicySets(): Promise<Array<{ sourceId: string; policies: StoredPolicy[]; commit: string }>>;
  putPolicySet(sourceId: string, set: { policies: StoredPolicy[]; commit: string }): Promise<void>;
}

/** Query of {@link DeploymentStore.list}. @public */
export interface DeploymentListQuery {
  /** Only deployments of these teams; undefined means all. */
  teams?: string[];
  team?: string;
  environment?: string;
  phase?: DeploymentPhase;
  resource?: string;
  limit: number;
  cursor?: string;
}

/**
 * Phases in which a deployment no longer holds its ref: a new deployment may
 * then take the same `<team>/<environment>/<name>`. In every other phase
 * (Failed and RolledBack included) the ref stays taken until the deployment is
 * deleted, so a `Cancelled` deployment must have nothing left running.
 * @public
 */
export const INACTIVE_DEPLOYMENT_PHASES: readonly DeploymentPhase[] = ['Cancelled', 'Deleted'];

/** A new deployment as the coordinator creates it (the store sets version 0). @public */
export type NewDeployment = Omit<Deployment, 'version'>;

/** The result of {@link DeploymentStore.create}. @public */
export interface DeploymentCreateResult {
  deployment: Deployment;
  /** false when an earlier request with the same idempotency key created it */
  created: boolean;
}

/** A lease held on a deployment by one worker. @public */
export interface DeploymentLease {
  deploymentId: string;
  owner: string;
  expiresAt: string;
}

/**
 * Deployments, idempotency keys and worker leases.
 * @public
 */
export interface DeploymentStore {
  /**
   * Creates a deployment. With an idempotency key: the same key and request
   * hash return the existing deployment (`created: false`); the same key with
   * another hash is a ConflictError. An active deployment with the same ref
   * (one not in {@link INACTIVE_DEPLOYMENT_PHASES}) is a ConflictError, and
   * so is an existing id.
   */
  create(
    deployment: NewDeployment,
    options?: { idempotencyKey?: string; requestHash?: string },
  ): Promise<DeploymentCreateResult>;
  get(id: string): Promise<Deployment | undefined>;
  /** The active deployment with this ref, or else the most recently created one. */
  getByRef(ref: string): Promise<Deployment | undefined>;
  /** {@link DeploymentStore.getByRef} for each ref found (unknown refs are skipped). */
  getByRefs(refs: string[]): Promise<Deployment[]>;
  /** Deployments in creation order, with a keyset cursor (InputError when unreadable). */
  list(query: DeploymentListQuery): Promise<{ items: Deployment[]; nextCursor?: string }>;
  /**
   * Writes `next` if the stored version is still `expectedVersion`; the
   * stored version becomes `expectedVersion + 1`. A ConflictError otherwise
   * (or when the write would give an active ref to two deployments); a
   * NotFoundError when there is no such deployment. Leases are not touched.
   */
  update(next: Deployment, expectedVersion: number): Promise<Deployment>;
  /**
   * Takes or renews a lease if it is free, expired or already ours. Expiry is
   * judged on the clock of the calling replica: keep replicas' clocks in sync.
   * With `options.version`, only while the deployment is still at that
   * version: a worker that read the deployment before taking its lease knows
   * then that what it read is current, and needs no second read.
   */
  acquireLease(deploymentId: string, owner: string, ttlMs: number, options?: { version?: number }): Promise<boolean>;
  releaseLease(deploymentId: string, owner: string): Promise<void>;
  /** Deployments in one of `phases` whose lease is free or expired, oldest (first created) first. */
  findUnleased(phases: DeploymentPhase[], limit: number): Promise<Deployment[]>;
  /** Every deployment's ref, team, environment, resource, phase and dependsOn (for the graph). */
  listGraphRecords(): Promise<
    Array<Pick<Deployment, 'id' | 'ref' | 'team' | 'environment' | 'resource' | 'phase' | 'dependsOn'>>
  >;
}

/** Query of {@link EventStore.readAfter}. @public */
export interface EventReadQuery {
  afterId: number;
  limit: number;
  /**
   * Only events these teams may see: those whose `team` is one of them, whose
   * `visibleTo` names one of them, and global ones (`team` null and no
   * `visibleTo`). Undefined means no filter.
   */
  teams?: string[];
  types?: string[];
}

/**
 * The append-only event log, the replay source for SSE.
 * @public
 */
export interface EventStore {
  /** Appends in order; ids are gap-free and strictly increasing across all writers. */
  append(events: NewNestorEvent[]): Promise<NestorEvent[]>;
  /** Events with an id above `afterId`, in id order. */
  readAfter(query: EventReadQuery): Promise<NestorEvent[]>;
  /** The id of the last appended event, even if pruned since; 0 when nothing was ever appended. */
  latestId(): Promise<number>;
  /** The smallest id still kept, or undefined when the log is empty. */
  oldestId(): Promise<number | undefined>;
  /** Deletes events older than the given time; returns how many. */
  pruneBefore(time: string): Promise<number>;
}

/**
 * Everything Nestor persists. Implemented on Backstage's database (Knex) by
 * the backend plugin and on DynamoDB by a module; both pass the contract suite
 * in `@nestor/plugin-nestor-node/testUtils`.
 * @public
 */
export interface NestorStore {
  readonly catalog: CatalogStore;
  readonly sources: SourceStore;
  readonly teams: TeamStore;
  readonly policies: PolicyStore;
  readonly deployments: DeploymentStore;
  readonly events: EventStore;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
}
