import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  CommandFailedError,
  CommandResult,
  EngineWorkspace,
  TransientEngineError,
  runCommand,
} from '@nestor/plugin-nestor-node';
import { TerraformEngineConfig } from '../config/terraformEngineConfigSchema';

/** A deployment's workspace, as the CLI mode keeps track of it. @public */
export interface TerraformWorkspaceRecord {
  ref: string;
  /** hash of the files the saved plan was made from */
  plannedHash?: string;
  plannedAt?: string;
  appliedHash?: string;
  appliedAt?: string;
  outputs?: Record<string, unknown>;
  drift?: { checkedAt: string; drifted: boolean; summary: string };
}

/** The files of a direct deployment's working directory. @public */
export type TerraformFiles = Record<string, string>;

/** Who a workspace belongs to. @public */
export interface TerraformDeploymentRef {
  ref: string;
  team: string;
  environment: string;
  name: string;
}

/** The files Nestor writes into a workspace; a revision of a direct deployment keeps them. @public */
export const TERRAFORM_FILES = [
  'main.tf',
  'backend.tf',
  'terraform.tfvars.json',
] as const;

/**
 * A terraform command that failed. Its name (`TerraformPlanFailed`,
 * `TerraformApplyFailed`, ...) becomes the reason of the deployment's
 * `Ready=False` condition, its message carries Terraform's error text.
 * @public
 */
export class TerraformCommandError extends Error {
  readonly command: string;
  readonly exitCode: number | undefined;

  constructor(command: string, cause: CommandFailedError) {
    super(cause.message);
    this.name = `Terraform${command[0].toUpperCase()}${command.slice(1)}Failed`;
    this.command = command;
    this.exitCode = cause.exitCode;
  }
}

const PLAN_FILE = 'nestor.tfplan';
const MAX_PLAN_TEXT = 256 * 1024;
const LOCK_HELD = /Error acquiring the state lock/i;
const STALE_PLAN = /Saved plan is stale/i;

/**
 * Runs the `terraform` CLI for direct deployments, in a working directory
 * per deployment (`<workingDirectory>/<team>/<environment>/<name>`) holding
 * the generated root module, the state backend and a tfvars file. Every
 * command runs under the workspace's lock, so two workers never plan or
 * apply one workspace at once; Terraform's own state lock (held with
 * `-lock-timeout`) protects remote states across hosts. A held lock is a
 * {@link TransientEngineError}: the coordinator retries later.
 * @public
 */
export class TerraformCli {
  readonly #config: TerraformEngineConfig['direct'];
  readonly #now: () => Date;

  static create(options: {
    config: TerraformEngineConfig;
    now?: () => Date;
  }): TerraformCli {
    return new TerraformCli(options.config, options.now ?? (() => new Date()));
  }

  private constructor(config: TerraformEngineConfig, now: () => Date) {
    this.#config = config.direct;
    this.#now = now;
  }

  workspace(
    deployment: TerraformDeploymentRef,
  ): EngineWorkspace<TerraformWorkspaceRecord> {
    return EngineWorkspace.forDeployment<TerraformWorkspaceRecord>(
      this.#config.workingDirectory,
      deployment,
    );
  }

  async version(): Promise<
    { ok: true; version: string } | { ok: false; message: string }
  > {
    try {
      const { stdout } = await runCommand(
        this.#config.binary,
        ['version', '-json'],
        { cwd: process.cwd(), env: await this.#env(), timeoutMs: 30_000 },
      );
      return { ok: true, version: JSON.parse(stdout).terraform_version };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  /** Writes the files, runs `init` and `plan -out`, and returns the plan as text. */
  async plan(
    deployment: TerraformDeploymentRef,
    files: TerraformFiles,
  ): Promise<{ text: string; changes: boolean }> {
    const workspace = this.workspace(deployment);
    return this.#locked(workspace, `plan ${deployment.ref}`, () =>
      this.#plan(workspace, deployment, files),
    );
  }

  /**
   * Applies the saved plan, planning again first when it was made from other
   * files (another revision, or on another replica) or has gone stale, and
   * returns the outputs of `terraform output -json` (sensitive ones hidden).
   */
  async apply(
    deployment: TerraformDeploymentRef,
    files: TerraformFiles,
  ): Promise<Record<string, unknown>> {
    const workspace = this.workspace(deployment);
    return this.#locked(workspace, `apply ${deployment.ref}`, async () => {
      const record = await workspace.readRecord();
      const planned =
        record?.plannedHash === hashFiles(files) &&
        (await workspace.readFile(PLAN_FILE)) !== undefined;
      if (!planned) await this.#plan(workspace, deployment, files);
      const applyPlan = () =>
        this.#run(workspace, [
          'apply',
          '-input=false',
          '-no-color',
          this.#lockTimeout(),
          PLAN_FILE,
        ]);
      try {
        await applyPlan();
      } catch (error) {
        // the state changed since the plan was made (another apply of this workspace came first)
        if (
          !(
            error instanceof TerraformCommandError &&
            STALE_PLAN.test(error.message)
          )
        )
          throw error;
        await this.#plan(workspace, deployment, files);
        await applyPlan();
      }
      const outputs = await this.#outputs(workspace);
      const at = this.#now().toISOString();
      await workspace.updateRecord({
        appliedHash: hashFiles(files),
        appliedAt: at,
        outputs,
        drift: undefined,
      });
      return outputs;
    });
  }

  /**
   * `terraform destroy` with the deployment's files (written again, so a
   * replica that never planned it can destroy a remote state), then the
   * working directory is removed.
   */
  async destroy(
    deployment: TerraformDeploymentRef,
    files: TerraformFiles,
  ): Promise<void> {
    const workspace = this.workspace(deployment);
    await this.#locked(workspace, `destroy ${deployment.ref}`, async () => {
      await this.#init(workspace, files);
      await this.#run(workspace, [
        'destroy',
        '-auto-approve',
        '-input=false',
        '-no-color',
        this.#lockTimeout(),
      ]);
      await workspace.remove();
    });
  }

  /**
   * Drift: `terraform plan -detailed-exitcode` on the applied files; exit
   * code 2 means the real resources no longer match. The result is kept in
   * the workspace's record. A workspace whose files are no longer the
   * applied ones (a new revision is planned, not applied yet) is not checked.
   */
  async checkDrift(deployment: TerraformDeploymentRef): Promise<{
    checked: boolean;
    drifted: boolean;
    summary: string;
    /** the plan's text, when it has changes */
    plan?: string;
  }> {
    const workspace = this.workspace(deployment);
    return this.#locked(
      workspace,
      `drift check ${deployment.ref}`,
      async () => {
        const record = await workspace.readRecord();
        const files: TerraformFiles = {};
        for (const name of TERRAFORM_FILES)
          files[name] = (await workspace.readFile(name)) ?? '';
        if (!record?.appliedHash || record.appliedHash !== hashFiles(files)) {
          return {
            checked: false,
            drifted: false,
            summary:
              'not checked: the workspace holds files that are not applied yet',
          };
        }
        const result = await this.#run(
          workspace,
          [
            'plan',
            '-input=false',
            '-no-color',
            '-detailed-exitcode',
            this.#lockTimeout(),
          ],
          [0, 2],
        );
        const drifted = result.exitCode === 2;
        const summary = drifted
          ? planSummary(result.stdout)
          : 'no changes: the resources match the configuration';
        await workspace.updateRecord({
          drift: { checkedAt: this.#now().toISOString(), drifted, summary },
        });
        return drifted
          ? {
              checked: true,
              drifted,
              summary,
              plan: truncatePlan(result.stdout),
            }
          : { checked: true, drifted, summary };
      },
    );
  }

  /** Writes the files and runs `init` (modules, and the state backend they name). */
  async #init(
    workspace: EngineWorkspace<TerraformWorkspaceRecord>,
    files: TerraformFiles,
  ) {
    await workspace.writeFiles(files);
    await this.#run(workspace, [
      'init',
      '-input=false',
      '-no-color',
      '-reconfigure',
      this.#lockTimeout(),
    ]);
  }

  async #plan(
    workspace: EngineWorkspace<TerraformWorkspaceRecord>,
    deployment: TerraformDeploymentRef,
    files: TerraformFiles,
  ) {
    await this.#init(workspace, files);
    const plan = await this.#run(
      workspace,
      [
        'plan',
        '-input=false',
        '-no-color',
        '-detailed-exitcode',
        `-out=${PLAN_FILE}`,
        this.#lockTimeout(),
      ],
      [0, 2],
    );
    const shown = await this.#run(workspace, ['show', '-no-color', PLAN_FILE]);
    await workspace.updateRecord({
      ref: deployment.ref,
      plannedHash: hashFiles(files),
      plannedAt: this.#now().toISOString(),
    });
    return { text: truncatePlan(shown.stdout), changes: plan.exitCode === 2 };
  }

  async #outputs(
    workspace: EngineWorkspace<TerraformWorkspaceRecord>,
  ): Promise<Record<string, unknown>> {
    const { stdout } = await this.#run(workspace, [
      'output',
      '-json',
      '-no-color',
    ]);
    const raw = JSON.parse(stdout || '{}') as Record<
      string,
      { value: unknown; sensitive: boolean }
    >;
    return Object.fromEntries(
      Object.entries(raw).map(([name, output]) => [
        name,
        output.sensitive ? { sensitive: true } : output.value,
      ]),
    );
  }

  #locked<T>(
    workspace: EngineWorkspace<TerraformWorkspaceRecord>,
    purpose: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return workspace.withLock(
      {
        purpose: `terraform ${purpose}`,
        timeoutMs: this.#config.lockTimeoutSeconds * 1000,
      },
      work,
    );
  }

  #lockTimeout(): string {
    return `-lock-timeout=${this.#config.lockTimeoutSeconds}s`;
  }

  async #run(
    workspace: EngineWorkspace<TerraformWorkspaceRecord>,
    args: string[],
    okExitCodes?: number[],
  ): Promise<CommandResult> {
    try {
      return await runCommand(this.#config.binary, args, {
        cwd: workspace.dir,
        env: await this.#env(),
        timeoutMs: this.#config.commandTimeoutMinutes * 60_000,
        okExitCodes,
      });
    } catch (error) {
      if (!(error instanceof CommandFailedError)) throw error;
      if (LOCK_HELD.test(error.message))
        throw new TransientEngineError(error.message);
      throw new TerraformCommandError(args[0], error);
    }
  }

  /** No checkpoint calls, no prompts, and a CLI config of Nestor's own unless the config names one. */
  async #env(): Promise<Record<string, string>> {
    const root = path.resolve(this.#config.workingDirectory);
    const cliConfig = path.join(root, '.terraformrc');
    await fs.mkdir(root, { recursive: true });
    await fs.writeFile(cliConfig, '', { flag: 'a' });
    return {
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: cliConfig,
      ...this.#config.env,
    };
  }
}

/** A stable hash of the workspace's files. @public */
export function hashFiles(files: TerraformFiles): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort())
    hash.update(`${name}\0${files[name]}\0`);
  return hash.digest('hex');
}

function truncatePlan(text: string): string {
  return text.length > MAX_PLAN_TEXT
    ? `${text.slice(0, MAX_PLAN_TEXT)}\n... (plan truncated)\n`
    : text;
}

function planSummary(planOutput: string): string {
  const lines = planOutput.split('\n');
  const changes = lines
    .filter(l => /^\s+# .* (will|must) be /.test(l))
    .map(l => l.trim().replace(/^# /, ''));
  const total = lines.find(l => l.startsWith('Plan: '));
  return (
    [total, ...changes].filter(Boolean).join('; ') || 'the plan has changes'
  );
}
