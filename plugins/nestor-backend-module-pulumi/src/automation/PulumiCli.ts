import path from 'node:path';
import { CommandFailedError, EngineRenderContext, EngineWorkspace, TransientEngineError, runCommand } from '@nestor/plugin-nestor-node';
import YAML from 'yaml';
import { PulumiEngineConfig } from '../config/pulumiEngineConfigSchema';
import { pulumiStackName } from '../render/pulumiNames';
import { ResolvedPulumiProgram } from '../render/resolvePulumiProgram';

/** What the CLI mode keeps in a deployment's workspace. @public */
export interface PulumiWorkspaceRecord {
  stack: string;
  appliedAt: string;
  outputs: Record<string, unknown>;
}

/** Errors that mean "someone else is updating this stack": retried later. */
const BUSY = /another update is currently in progress|the stack is currently locked|conflict: Another update/i;

/**
 * Direct mode without the operator: drives the `pulumi` CLI in a working
 * directory per deployment, the way the Automation API's local workspace
 * does (a `Pulumi.yaml` with the YAML program, a `Pulumi.<stack>.yaml` with
 * the stack's config, `stack select --create`, `up --refresh`, `stack output
 * --json`, `destroy` and `stack rm`), with a lock per workspace.
 * @public
 */
export class PulumiCli {
  readonly #config: PulumiEngineConfig['direct'];
  readonly #organization?: string;
  readonly #now: () => Date;

  static create(options: { config: PulumiEngineConfig; now?: () => Date }): PulumiCli {
    return new PulumiCli(options.config, options.now ?? (() => new Date()));
  }

  private constructor(config: PulumiEngineConfig, now: () => Date) {
    this.#config = config.direct;
    this.#organization = config.organization;
    this.#now = now;
  }

  /** The CLI's version, or why it cannot run. */
  async version(): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
    try {
      const { stdout } = await runCommand(this.#config.binary, ['version'], { cwd: process.cwd(), timeoutMs: 30_000 });
      return { ok: true, version: stdout.trim() };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  async up(context: EngineRenderContext, resolved: ResolvedPulumiProgram): Promise<PulumiWorkspaceRecord> {
    const workspace = this.workspace(context);
    const stack = pulumiStackName(context.deployment, this.#organization);
    return workspace.withLock({ purpose: `pulumi up ${context.deployment.ref}`, timeoutMs: this.#config.lockTimeoutSeconds * 1000 }, async () => {
      const project = context.definition.metadata.name;
      const shortStack = stack.split('/').pop()!;
      await workspace.writeFiles({
        'Pulumi.yaml': YAML.stringify({ name: project, runtime: 'yaml', description: context.definition.metadata.title, ...resolved.program }),
        [`Pulumi.${shortStack}.yaml`]: YAML.stringify({ config: namespacedConfig(project, resolved.config) }),
      });
      await this.#run(workspace, ['stack', 'select', '--create', '--stack', stack]);
      await this.#run(workspace, ['up', '--yes', '--skip-preview', '--refresh', '--stack', stack]);
      const { stdout } = await this.#run(workspace, ['stack', 'output', '--json', '--stack', stack]);
      const record = { stack, appliedAt: this.#now().toISOString(), outputs: JSON.parse(stdout || '{}') };
      await workspace.writeRecord(record);
      return record;
    });
  }

  async destroy(context: EngineRenderContext): Promise<void> {
    const workspace = this.workspace(context);
    if (!(await workspace.exists())) return;
    const stack = pulumiStackName(context.deployment, this.#organization);
    await workspace.withLock({ purpose: `pulumi destroy ${context.deployment.ref}`, timeoutMs: this.#config.lockTimeoutSeconds * 1000 }, async () => {
      await this.#run(workspace, ['destroy', '--yes', '--skip-preview', '--stack', stack]);
      await this.#run(workspace, ['stack', 'rm', '--yes', '--stack', stack]);
    });
    await workspace.remove();
  }

  workspace(context: EngineRenderContext): EngineWorkspace<PulumiWorkspaceRecord> {
    return EngineWorkspace.forDeployment<PulumiWorkspaceRecord>(this.#config.workingDirectory, context.deployment);
  }

  async #run(workspace: EngineWorkspace<PulumiWorkspaceRecord>, args: string[]) {
    const backendUrl = this.#config.backendUrl ?? `file://${path.resolve(this.#config.workingDirectory, '.state')}`;
    try {
      return await runCommand(this.#config.binary, [...args, '--non-interactive', '--color', 'never'], {
        cwd: workspace.dir,
        timeoutMs: this.#config.commandTimeoutMinutes * 60_000,
        env: {
          PULUMI_BACKEND_URL: backendUrl,
          PULUMI_CONFIG_PASSPHRASE: this.#config.passphrase,
          PULUMI_SKIP_UPDATE_CHECK: 'true',
        },
      });
    } catch (error) {
      if (error instanceof CommandFailedError && BUSY.test(`${error.stderr}\n${error.stdout}`)) {
        throw new TransientEngineError(error.message);
      }
      throw error;
    }
  }
}

/** Stack config keys without a namespace belong to the project. */
function namespacedConfig(project: string, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.includes(':') ? key : `${project}:${key}`, value]));
}
