import { VerdictCheck } from '@nestor/plugin-nestor-common';
import { StoredTeam } from '@nestor/plugin-nestor-node';
import { QuotaClaim, QuotaService } from './QuotaService';

/**
 * The quota step of admission. Outside dry runs it takes the claim's share
 * atomically (the caller gives it back with `release` if the deployment is
 * not created after all); a refusal is a 422 naming the limit.
 * @public
 */
export class QuotaAdmissionCheck {
  readonly #quotas: QuotaService;

  static create(options: { quotas: QuotaService }) {
    return new QuotaAdmissionCheck(options.quotas);
  }

  private constructor(quotas: QuotaService) {
    this.#quotas = quotas;
  }

  async check(options: {
    claim: QuotaClaim;
    dryRun?: boolean;
    /** the claim's team as the caller has just read it (see {@link QuotaService.reserve}) */
    teamRead?: { team: StoredTeam | undefined };
  }): Promise<VerdictCheck & { release?: () => Promise<void> }> {
    const { claim } = options;
    const result = options.dryRun ? await this.#quotas.check(claim) : await this.#quotas.reserve(claim, options.teamRead);
    if (result.ok) {
      return {
        check: 'quota',
        allowed: true,
        reasons: [],
        ...(options.dryRun ? {} : { release: () => this.#quotas.release(claim) }),
      };
    }
    return {
      check: 'quota',
      allowed: false,
      reasons: [{ code: 'QUOTA_EXCEEDED', field: result.limit, message: QuotaService.describe(claim, result) }],
    };
  }
}
