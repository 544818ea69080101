import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Deployment, DeploymentPhase } from '@nestor/plugin-nestor-common';
import {
  DeploymentCreateResult,
  DeploymentListQuery,
  DeploymentStore,
  INACTIVE_DEPLOYMENT_PHASES,
  NewDeployment,
} from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { chunk } from './chunk';
import { decodeKeysetCursor, encodeKeysetCursor } from './keysetCursor';

interface DeploymentRow {
  seq: number | string;
  id: string;
  ref: string;
  active_ref: string | null;
  team: string;
  environment: string;
  resource_name: string;
  phase: DeploymentPhase;
  version: number | string;
  idempotency_key: string | null;
  request_hash: string | null;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  resource: string;
  depends_on: string;
  data: string;
}

type GraphRecord = Pick<
  Deployment,
  'id' | 'ref' | 'team' | 'environment' | 'resource' | 'phase' | 'dependsOn'
>;

/** The columns written from a deployment (all but the key, seq, idempotency and lease). */
function contentColumns(deployment: NewDeployment, version: number) {
  const { version: _ignored, ...data } = deployment as Deployment;
  return {
    ref: deployment.ref,
    active_ref: INACTIVE_DEPLOYMENT_PHASES.includes(deployment.phase)
      ? null
      : deployment.ref,
    team: deployment.team,
    environment: deployment.environment,
    resource_name: deployment.resource.name,
    phase: deployment.phase,
    version,
    resource: JSON.stringify(deployment.resource),
    depends_on: JSON.stringify(deployment.dependsOn),
    data: JSON.stringify(data),
  };
}

function fromRow(row: Pick<DeploymentRow, 'data' | 'version'>): Deployment {
  return { ...JSON.parse(row.data), version: Number(row.version) };
}

/**
 * Deployments as JSON plus the columns they are looked up by. `active_ref` is
 * the ref while the deployment holds it (null once it is in an inactive
 * phase), and its unique index is what keeps one active deployment per ref,
 * also between replicas. Writes are optimistic on `version`; leases live in
 * their own columns so renewing one never bumps the version.
 */
export class DatabaseDeploymentStore implements DeploymentStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async create(
    deployment: NewDeployment,
    options: { idempotencyKey?: string; requestHash?: string } = {},
  ): Promise<DeploymentCreateResult> {
    const { idempotencyKey, requestHash } = options;
    const stored: Deployment = {
      ...deployment,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      version: 0,
    };
    if (idempotencyKey !== undefined) {
      const replay = await this.#replay(idempotencyKey, requestHash);
      if (replay) {
        return replay;
      }
    }
    try {
      await this.#db('deployments').insert({
        id: stored.id,
        ...contentColumns(stored, 0),
        idempotency_key: idempotencyKey ?? null,
        request_hash: requestHash ?? null,
        lease_owner: null,
        lease_expires_at: null,
      });
    } catch (error) {
      if (!isDatabaseConflictError(error)) {
        throw error;
      }
      const replay =
        idempotencyKey === undefined
          ? undefined
          : await this.#replay(idempotencyKey, requestHash);
      if (replay) {
        return replay;
      }
      if (await this.get(stored.id)) {
        throw new ConflictError(
          `A deployment with id "${stored.id}" already exists`,
        );
      }
      throw new ConflictError(
        `Deployment ${stored.ref} already exists; delete it before creating it again`,
      );
    }
    return { deployment: stored, created: true };
  }

  async get(id: string): Promise<Deployment | undefined> {
    const row = await this.#db('deployments')
      .select('data', 'version')
      .where({ id })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async getByRef(ref: string): Promise<Deployment | undefined> {
    // the active one (at most one holds the ref), else the latest: one read
    const row = await this.#db('deployments')
      .select('data', 'version')
      .where({ ref })
      .orderByRaw('CASE WHEN active_ref IS NULL THEN 1 ELSE 0 END')
      .orderBy('seq', 'desc')
      .first();
    return row ? fromRow(row) : undefined;
  }

  async getByRefs(refs: string[]): Promise<Deployment[]> {
    const best = new Map<
      string,
      Pick<DeploymentRow, 'ref' | 'active_ref' | 'data' | 'version'>
    >();
    for (const slice of chunk([...new Set(refs)], 500)) {
      const rows: Array<
        Pick<DeploymentRow, 'ref' | 'active_ref' | 'data' | 'version'>
      > = await this.#db('deployments')
        .select('ref', 'active_ref', 'data', 'version')
        .whereIn('ref', slice)
        .orderBy('seq', 'asc');
      for (const row of rows) {
        // later rows replace earlier ones unless the earlier one is active
        if (!best.get(row.ref)?.active_ref) {
          best.set(row.ref, row);
        }
      }
    }
    return [...best.values()].map(fromRow);
  }

  async list(
    query: DeploymentListQuery,
  ): Promise<{ items: Deployment[]; nextCursor?: string }> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodeKeysetCursor(query.cursor, 'number');
    const rows: Array<Pick<DeploymentRow, 'seq' | 'data' | 'version'>> =
      await this.#db('deployments')
        .select('seq', 'data', 'version')
        .modify(qb => {
          if (query.teams !== undefined) {
            qb.whereIn('team', query.teams);
          }
          if (query.team !== undefined) {
            qb.where('team', query.team);
          }
          if (query.environment !== undefined) {
            qb.where('environment', query.environment);
          }
          if (query.phase !== undefined) {
            qb.where('phase', query.phase);
          }
          if (query.resource !== undefined) {
            qb.where('resource_name', query.resource);
          }
          if (after !== undefined) {
            qb.where('seq', '>', after);
          }
        })
        .orderBy('seq', 'asc')
        .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(fromRow),
      ...(rows.length > query.limit
        ? { nextCursor: encodeKeysetCursor(Number(page[page.length - 1].seq)) }
        : {}),
    };
  }

  async update(next: Deployment, expectedVersion: number): Promise<Deployment> {
    const version = expectedVersion + 1;
    let changed: number;
    try {
      changed = await this.#db('deployments')
        .where({ id: next.id, version: expectedVersion })
        .update(contentColumns(next, version));
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw new ConflictError(
          `Deployment ${next.ref} is already held by another active deployment`,
        );
      }
      throw error;
    }
    if (changed === 0) {
      const current = await this.#db('deployments')
        .select('version')
        .where({ id: next.id })
        .first();
      if (!current) {
        throw new NotFoundError(`No deployment with id "${next.id}"`);
      }
      throw new ConflictError(
        `Deployment ${
          next.ref
        } was changed concurrently: expected version ${expectedVersion}, found ${Number(
          current.version,
        )}`,
      );
    }
    return { ...next, version };
  }

  async acquireLease(
    deploymentId: string,
    owner: string,
    ttlMs: number,
    options: { version?: number } = {},
  ): Promise<boolean> {
    const now = Date.now();
    const changed = await this.#db('deployments')
      .where({ id: deploymentId })
      .modify(qb => {
        if (options.version !== undefined) {
          qb.andWhere('version', options.version);
        }
      })
      .andWhere(free =>
        free
          .whereNull('lease_owner')
          .orWhere('lease_owner', owner)
          .orWhere('lease_expires_at', '<=', now),
      )
      .update({ lease_owner: owner, lease_expires_at: now + ttlMs });
    return changed === 1;
  }

  async releaseLease(deploymentId: string, owner: string): Promise<void> {
    await this.#db('deployments')
      .where({ id: deploymentId, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async findUnleased(
    phases: DeploymentPhase[],
    limit: number,
  ): Promise<Deployment[]> {
    if (phases.length === 0) {
      return [];
    }
    const now = Date.now();
    const rows = await this.#db('deployments')
      .select('data', 'version')
      .whereIn('phase', phases)
      .andWhere(free =>
        free.whereNull('lease_owner').orWhere('lease_expires_at', '<=', now),
      )
      .orderBy('seq', 'asc')
      .limit(limit);
    return rows.map(fromRow);
  }

  async listGraphRecords(): Promise<GraphRecord[]> {
    const rows: Array<
      Pick<
        DeploymentRow,
        | 'id'
        | 'ref'
        | 'team'
        | 'environment'
        | 'phase'
        | 'resource'
        | 'depends_on'
      >
    > = await this.#db('deployments')
      .select(
        'id',
        'ref',
        'team',
        'environment',
        'phase',
        'resource',
        'depends_on',
      )
      .orderBy('seq', 'asc');
    return rows.map(row => ({
      id: row.id,
      ref: row.ref,
      team: row.team,
      environment: row.environment,
      phase: row.phase,
      resource: JSON.parse(row.resource),
      dependsOn: JSON.parse(row.depends_on),
    }));
  }

  /** The earlier answer for an idempotency key, or a ConflictError when the request differs. */
  async #replay(
    idempotencyKey: string,
    requestHash: string | undefined,
  ): Promise<DeploymentCreateResult | undefined> {
    const row:
      | Pick<DeploymentRow, 'data' | 'version' | 'request_hash'>
      | undefined = await this.#db('deployments')
      .select('data', 'version', 'request_hash')
      .where({ idempotency_key: idempotencyKey })
      .first();
    if (!row) {
      return undefined;
    }
    if ((row.request_hash ?? undefined) !== requestHash) {
      throw new ConflictError(
        `Idempotency key "${idempotencyKey}" was already used for a different request`,
      );
    }
    return { deployment: fromRow(row), created: false };
  }
}
