import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { TerraformEngineConfig } from '../config/terraformEngineConfigSchema';
import { TerraformCli } from './TerraformCli';

/**
 * Scheduled drift detection of direct Terraform deployments: every applied
 * workspace on this host gets a `terraform plan -detailed-exitcode`; the
 * result shows up as the deployment's `Drifted` condition. A failing check
 * is logged, never thrown, and does not stop the others.
 * @public
 */
export class TerraformDriftDetector {
  readonly #cli: TerraformCli;
  readonly #logger: LoggerService;

  static create(options: {
    cli: TerraformCli;
    logger: LoggerService;
  }): TerraformDriftDetector {
    return new TerraformDriftDetector(options.cli, options.logger);
  }

  private constructor(cli: TerraformCli, logger: LoggerService) {
    this.#cli = cli;
    this.#logger = logger;
  }

  /**
   * Checks every applied workspace once: how many were checked, found
   * drifted, failed, and skipped (a new revision planned, not applied yet).
   */
  async run(): Promise<{
    checked: number;
    drifted: number;
    failed: number;
    skipped: number;
  }> {
    const result = { checked: 0, drifted: 0, failed: 0, skipped: 0 };
    for (const deployment of await this.#cli.appliedWorkspaces()) {
      try {
        const drift = await this.#cli.checkDrift(deployment);
        if (!drift.checked) {
          result.skipped += 1;
          continue;
        }
        result.checked += 1;
        if (drift.drifted) {
          result.drifted += 1;
          this.#logger.warn(
            `Terraform drift in ${deployment.ref}: ${drift.summary}`,
          );
        }
      } catch (error) {
        result.failed += 1;
        this.#logger.error(
          `Terraform drift check of ${deployment.ref} failed: ${
            (error as Error).message
          }`,
        );
      }
    }
    return result;
  }

  /** Runs {@link TerraformDriftDetector.run} on the configured schedule, on each replica (workspaces are local). */
  async schedule(
    scheduler: SchedulerService,
    config: TerraformEngineConfig['direct']['driftDetection'],
  ): Promise<void> {
    if (!config.enabled) return;
    await scheduler.scheduleTask({
      id: 'nestor-terraform-drift-detection',
      frequency: config.frequency,
      timeout: config.timeout,
      scope: 'local',
      fn: async () => {
        const { checked, drifted, failed, skipped } = await this.run();
        this.#logger.info(
          `Terraform drift detection: ${checked} workspace(s) checked, ${drifted} drifted, ${failed} failed, ${skipped} skipped`,
        );
      },
    });
  }
}
