import { QuotaLimits, QuotasResponse, QuotaUsage, TeamConfig } from '@nestor/plugin-nestor-common';
import { QuotaReservation, QuotaReservationResult, StoredTeam, TeamStore } from '@nestor/plugin-nestor-node';
import { NestorEventPublisher } from '../events/types';

/**
 * What one deployment counts against its team's quota.
 * @public
 */
export interface QuotaClaim {
  team: string;
  environment: string;
  resourceType: string;
  monthlyCost: number;
  /** the deployment's ref, for events */
  ref: string;
}

/** A refusal, with the limit that refused. @public */
export type QuotaRefusal = Extract<QuotaReservationResult, { ok: false }>;

/**
 * Quotas per team and environment (max deployments, max monthly cost, and
 * the same per resource type), from the teams' `TeamConfig`. Reservations
 * are atomic in the store, so concurrent requests on any number of replicas
 * never overshoot a limit. A deployment holds its share from admission until
 * it is cancelled or deleted.
 * @public
 */
export class QuotaService {
  readonly #teams: TeamStore;
  readonly #events: NestorEventPublisher;

  static create(options: { teams: TeamStore; events: NestorEventPublisher }): QuotaService {
    return new QuotaService(options);
  }

  private constructor(options: { teams: TeamStore; events: NestorEventPublisher }) {
    this.#teams = options.teams;
    this.#events = options.events;
  }

  /** The limits that apply to a claim (none when the team has no config or no quota there). */
  static limitsFor(config: TeamConfig | undefined, environment: string, resourceType: string): QuotaReservation['limits'] {
    const env: QuotaLimits | undefined = config?.spec.quotas[environment];
    if (!env) return {};
    return {
      maxDeployments: env.maxDeployments,
      maxMonthlyCost: env.maxMonthlyCost,
      perType: env.perType?.[resourceType],
    };
  }

  /**
   * Takes the claim's share atomically, or refuses it and emits
   * `quota.exceeded`. The limits come from the team's config: `teamRead`, as
   * the caller has just read it, or else read here.
   */
  async reserve(claim: QuotaClaim, teamRead?: { team: StoredTeam | undefined }): Promise<QuotaReservationResult> {
    const team = teamRead ? teamRead.team : await this.#teams.getTeam(claim.team);
    const limits = QuotaService.limitsFor(team?.config, claim.environment, claim.resourceType);
    const result = await this.#teams.reserveQuota({
      team: claim.team,
      environment: claim.environment,
      resourceType: claim.resourceType,
      monthlyCost: claim.monthlyCost,
      limits,
    });
    if (!result.ok) await this.#announce(claim, result);
    return result;
  }

  /** Gives back a claim's share: when its deployment is cancelled or deleted, or its creation failed. */
  async release(claim: Omit<QuotaClaim, 'ref'>): Promise<void> {
    await this.#teams.releaseQuota({
      team: claim.team,
      environment: claim.environment,
      resourceType: claim.resourceType,
      monthlyCost: claim.monthlyCost,
    });
  }

  /** Whether the claim would fit now, without taking anything (dry runs). */
  async check(claim: QuotaClaim): Promise<QuotaReservationResult> {
    const [team, rows] = await Promise.all([this.#teams.getTeam(claim.team), this.#teams.getQuotaUsage(claim.team)]);
    const limits = QuotaService.limitsFor(team?.config, claim.environment, claim.resourceType);
    const buckets: Array<[string, { maxDeployments?: number; maxMonthlyCost?: number }]> = [
      ['*', limits],
      [claim.resourceType, limits.perType ?? {}],
    ];
    for (const [scope, bucketLimits] of buckets) {
      const row = rows.find(r => r.environment === claim.environment && r.scope === scope);
      const deployments = row?.deployments ?? 0;
      const cost = row?.monthlyCost ?? 0;
      if (bucketLimits.maxDeployments !== undefined && deployments >= bucketLimits.maxDeployments) {
        return { ok: false, limit: 'maxDeployments', scope, current: deployments, max: bucketLimits.maxDeployments };
      }
      if (bucketLimits.maxMonthlyCost !== undefined && cost + claim.monthlyCost > bucketLimits.maxMonthlyCost + 1e-9) {
        return { ok: false, limit: 'maxMonthlyCost', scope, current: cost, max: bucketLimits.maxMonthlyCost };
      }
    }
    return { ok: true };
  }

  /** Usage against limits for every environment the team has a quota or usage in. */
  async usage(teamId: string): Promise<QuotasResponse> {
    const [team, rows] = await Promise.all([this.#teams.getTeam(teamId), this.#teams.getQuotaUsage(teamId)]);
    const quotas = team?.config.spec.quotas ?? {};
    const environments = [...new Set([...(team?.config.spec.environments ?? []), ...rows.map(r => r.environment)])];
    const items: QuotaUsage[] = environments.map(environment => {
      const inEnv = rows.filter(r => r.environment === environment);
      const total = inEnv.find(r => r.scope === '*');
      return {
        environment,
        limits: quotas[environment] ?? {},
        usage: {
          deployments: total?.deployments ?? 0,
          monthlyCost: total?.monthlyCost ?? 0,
          perType: Object.fromEntries(
            inEnv
              .filter(r => r.scope !== '*')
              .map(r => [r.scope, { deployments: r.deployments, monthlyCost: r.monthlyCost }]),
          ),
        },
      };
    });
    return { team: teamId, items };
  }

  /** A sentence naming the limit, for 422 bodies and events. */
  static describe(claim: Pick<QuotaClaim, 'team' | 'environment' | 'monthlyCost'>, refusal: QuotaRefusal): string {
    const where = refusal.scope === '*' ? `${claim.team} in ${claim.environment}` : `${claim.team} in ${claim.environment} for type ${refusal.scope}`;
    return refusal.limit === 'maxDeployments'
      ? `quota maxDeployments of ${where} reached: ${refusal.current} of ${refusal.max} deployments`
      : `quota maxMonthlyCost of ${where} exceeded: ${refusal.current} used + ${claim.monthlyCost} requested > ${refusal.max}`;
  }

  async #announce(claim: QuotaClaim, refusal: QuotaRefusal): Promise<void> {
    await this.#events.publish([
      {
        type: 'quota.exceeded',
        team: claim.team,
        ref: claim.ref,
        payload: {
          environment: claim.environment,
          resourceType: claim.resourceType,
          monthlyCost: claim.monthlyCost,
          limit: refusal.limit,
          scope: refusal.scope,
          current: refusal.current,
          max: refusal.max,
          message: QuotaService.describe(claim, refusal),
        },
      },
    ]);
  }
}
