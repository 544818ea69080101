import {
  QuotaBucket,
  QuotaReservation,
  QuotaReservationResult,
  QuotaUsageRow,
  StoredTeam,
  TeamStore,
} from '@nestor/plugin-nestor-node';
import { Knex } from 'knex';
import { chunk } from './chunk';

interface TeamRow {
  id: string;
  config: string;
  source: string;
  updated_at: string;
}

interface UsageRow {
  team: string;
  environment: string;
  scope: string;
  deployments: number | string;
  monthly_cost: number | string;
}

type Limits = { maxDeployments?: number; maxMonthlyCost?: number };

/** Costs are floating point: a sum that lands a hair above the limit still fits. */
const COST_TOLERANCE = 1e-9;

/**
 * Team configs and quota counters. A reservation is one transaction of two
 * conditional UPDATEs (`... WHERE deployments < max AND monthly_cost + cost
 * <= maxCost`), on the environment row then on the type row; on PostgreSQL the
 * first UPDATE's row lock makes concurrent reservations of a team and
 * environment take turns, and each re-checks the condition on the committed
 * row, so limits hold under any concurrency.
 */
export class DatabaseTeamStore implements TeamStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  async putTeams(teams: StoredTeam[]): Promise<void> {
    const rows: TeamRow[] = teams.map(t => ({
      id: t.id,
      config: JSON.stringify(t.config),
      source: JSON.stringify(t.source),
      updated_at: t.updatedAt,
    }));
    await this.#db.transaction(async tx => {
      for (const slice of chunk(rows, 200)) {
        await tx('teams')
          .insert(slice)
          .onConflict('id')
          .merge(['config', 'source', 'updated_at']);
      }
    });
  }

  async deleteTeams(ids: string[]): Promise<void> {
    for (const slice of chunk(ids, 500)) {
      await this.#db('teams').whereIn('id', slice).delete();
    }
  }

  async getTeam(id: string): Promise<StoredTeam | undefined> {
    const row: TeamRow | undefined = await this.#db('teams')
      .where({ id })
      .first();
    return row ? fromTeamRow(row) : undefined;
  }

  async listTeams(): Promise<StoredTeam[]> {
    const rows: TeamRow[] = await this.#db('teams').orderBy('id');
    return rows.map(fromTeamRow);
  }

  async reserveQuota(
    reservation: QuotaReservation,
  ): Promise<QuotaReservationResult> {
    const { team, environment, resourceType, monthlyCost, limits } =
      reservation;
    const buckets: Array<{ bucket: QuotaBucket; limits: Limits }> = [
      { bucket: { team, environment, scope: '*' }, limits },
      {
        bucket: { team, environment, scope: resourceType },
        limits: limits.perType ?? {},
      },
    ];
    const tx = await this.#db.transaction();
    try {
      await tx('quota_usage')
        .insert(
          buckets.map(({ bucket }) => ({
            ...bucket,
            deployments: 0,
            monthly_cost: 0,
          })),
        )
        .onConflict(['team', 'environment', 'scope'])
        .ignore();
      for (const { bucket, limits: bucketLimits } of buckets) {
        const refusal = await takeFromBucket(
          tx,
          bucket,
          monthlyCost,
          bucketLimits,
        );
        if (refusal) {
          await tx.rollback();
          return refusal;
        }
      }
      await tx.commit();
      return { ok: true };
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }

  async releaseQuota(
    reservation: Omit<QuotaReservation, 'limits'>,
  ): Promise<void> {
    const { team, environment, resourceType, monthlyCost } = reservation;
    await this.#db('quota_usage')
      .where({ team, environment })
      .whereIn('scope', ['*', resourceType])
      .update({
        deployments: this.#db.raw(
          'CASE WHEN deployments > 0 THEN deployments - 1 ELSE 0 END',
        ),
        monthly_cost: this.#db.raw(
          'CASE WHEN monthly_cost - ? > ? THEN monthly_cost - ? ELSE 0 END',
          [monthlyCost, COST_TOLERANCE, monthlyCost],
        ),
      });
  }

  async getQuotaUsage(team: string): Promise<QuotaUsageRow[]> {
    const rows: UsageRow[] = await this.#db('quota_usage')
      .where({ team })
      .orderBy(['environment', 'scope']);
    return rows.map(row => ({
      team: row.team,
      environment: row.environment,
      scope: row.scope,
      deployments: Number(row.deployments),
      monthlyCost: Number(row.monthly_cost),
    }));
  }
}

/** One conditional UPDATE; on refusal, which limit stopped it. */
async function takeFromBucket(
  tx: Knex.Transaction,
  bucket: QuotaBucket,
  monthlyCost: number,
  limits: Limits,
): Promise<QuotaReservationResult | undefined> {
  const update = tx('quota_usage').where(bucket);
  if (limits.maxDeployments !== undefined) {
    update.where('deployments', '<', limits.maxDeployments);
  }
  if (limits.maxMonthlyCost !== undefined) {
    update.whereRaw('monthly_cost + ? <= ?', [
      monthlyCost,
      limits.maxMonthlyCost + COST_TOLERANCE,
    ]);
  }
  const changed = await update.update({
    deployments: tx.raw('deployments + 1'),
    monthly_cost: tx.raw('monthly_cost + ?', [monthlyCost]),
  });
  if (changed === 1) {
    return undefined;
  }
  const row: UsageRow = await tx('quota_usage').where(bucket).first();
  const deployments = Number(row.deployments);
  if (
    limits.maxDeployments !== undefined &&
    deployments >= limits.maxDeployments
  ) {
    return {
      ok: false,
      limit: 'maxDeployments',
      scope: bucket.scope,
      current: deployments,
      max: limits.maxDeployments,
    };
  }
  return {
    ok: false,
    limit: 'maxMonthlyCost',
    scope: bucket.scope,
    current: Number(row.monthly_cost),
    max: limits.maxMonthlyCost ?? 0,
  };
}

function fromTeamRow(row: TeamRow): StoredTeam {
  return {
    id: row.id,
    config: JSON.parse(row.config),
    source: JSON.parse(row.source),
    updatedAt: row.updated_at,
  };
}
