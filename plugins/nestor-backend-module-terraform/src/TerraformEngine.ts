import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  Artifact,
  ResourceDefinition,
  TerraformBlock,
} from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineCapabilities,
  EngineDriftReport,
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
  EngineValidationIssue,
  RenderResult,
  engineLogger,
  noClusterStatus,
  objectArtifact,
  readArtifactObjects,
  requireKubernetes,
} from '@nestor/plugin-nestor-node';
import { TerraformEngineConfig } from './config/terraformEngineConfigSchema';
import {
  TERRAFORM_FILES,
  TerraformCli,
  TerraformDeploymentRef,
  TerraformFiles,
} from './direct/TerraformCli';
import { resolveModuleSource } from './render/moduleSource';
import { resolveModuleInputs } from './render/resolveModuleInputs';
import { renderRootModule } from './render/renderRootModule';
import { renderStateBackend } from './render/renderStateBackend';
import {
  outputsSecretName,
  renderTerraformObject,
} from './render/renderTerraformObject';
import { terraformObjectStatus } from './status/terraformObjectStatus';
import { validateTerraformBlock } from './validation/validateTerraformBlock';

/**
 * The `terraform` engine. GitOps: per deployment a generated root module
 * (`main.tf`, calling the item's module) and a `Terraform` object for the
 * Flux tofu-controller. Direct: the `terraform` CLI on the backend's host,
 * in a working directory per deployment, planned when rendering (the plan is
 * kept on the revision), applied from that plan, destroyed on teardown, and
 * checked for drift (`plan -detailed-exitcode`) when the backend's drift
 * monitor asks.
 * @public
 */
export class TerraformEngine implements DeploymentEngine {
  readonly name = 'terraform';
  readonly capabilities: EngineCapabilities = {
    delivery: ['gitops', 'direct'],
    outputs: true,
    drift: true,
  };
  readonly cli: TerraformCli;
  readonly #config: TerraformEngineConfig;
  readonly #now: () => Date;
  readonly #logger?: LoggerService;

  /** `logger`: the module's, for lines about a deployment whose context brings none. */
  static create(options: {
    config: TerraformEngineConfig;
    now?: () => Date;
    logger?: LoggerService;
  }): TerraformEngine {
    return new TerraformEngine(
      options.config,
      options.now ?? (() => new Date()),
      options.logger,
    );
  }

  private constructor(
    config: TerraformEngineConfig,
    now: () => Date,
    logger: LoggerService | undefined,
  ) {
    this.#config = config;
    this.#now = now;
    this.#logger = logger;
    this.cli = TerraformCli.create({ config, now });
  }

  async validate(
    definition: ResourceDefinition,
  ): Promise<EngineValidationIssue[]> {
    return validateTerraformBlock(definition);
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    const block = requireBlock(context.definition);
    if (context.deployment.delivery === 'direct') {
      const files = this.#directFiles(context, block);
      const plan = await this.cli.plan(deploymentRef(context), files);
      engineLogger(context, this.#logger).info(
        `terraform plan of ${context.deployment.ref}: ${
          plan.changes ? 'changes to apply' : 'no changes'
        }`,
      );
      return {
        artifacts: [
          ...toArtifacts(files),
          { path: 'plan.txt', content: plan.text },
        ],
      };
    }
    const inputs = resolveModuleInputs(block, context.parameters);
    const main = renderRootModule({
      definition: context.definition,
      block,
      source: block.module,
      inputs: Object.keys(inputs),
      ref: context.deployment.ref,
    });
    return {
      artifacts: [
        { path: 'main.tf', content: main },
        objectArtifact(
          'terraform.yaml',
          renderTerraformObject(context, inputs, this.#config),
        ),
      ],
    };
  }

  async apply(
    context: EngineRenderContext,
    rendered: RenderResult,
    target: EngineTarget,
  ): Promise<void> {
    if (context.deployment.delivery !== 'direct') {
      await requireKubernetes(target, context, this.name).apply(
        readArtifactObjects(rendered.artifacts),
        { force: true },
      );
      return;
    }
    // the revision's files, so a rollback applies the files of the revision it returns to
    const names: readonly string[] = TERRAFORM_FILES;
    const files = Object.fromEntries(
      rendered.artifacts
        .filter(a => names.includes(a.path))
        .map(a => [a.path, a.content]),
    );
    const missing = TERRAFORM_FILES.filter(name => !(name in files));
    if (missing.length > 0)
      throw new InputError(
        `the revision of ${context.deployment.ref} lacks ${missing.join(', ')}`,
      );
    const outputs = await this.cli.apply(deploymentRef(context), files);
    engineLogger(context, this.#logger).info(
      `terraform apply of ${context.deployment.ref} succeeded (${
        Object.keys(outputs).length
      } output(s))`,
    );
  }

  async status(
    context: EngineRenderContext,
    target: EngineTarget,
  ): Promise<EngineStatus> {
    return context.deployment.delivery === 'direct'
      ? this.#directStatus(context)
      : this.#controllerStatus(context, target);
  }

  async destroy(
    context: EngineRenderContext,
    _target: EngineTarget,
  ): Promise<void> {
    // GitOps: removing the files deletes the Terraform object, which destroys its resources
    if (context.deployment.delivery !== 'direct') return;
    await this.cli.destroy(
      deploymentRef(context),
      this.#directFiles(context, requireBlock(context.definition)),
    );
    engineLogger(context, this.#logger).info(
      `terraform destroy of ${context.deployment.ref} succeeded; its working directory is removed`,
    );
  }

  /**
   * Direct mode: `terraform plan -detailed-exitcode` on the applied files
   * (exit code 2 is drift), under the workspace's lock. No answer (the drift
   * monitor then reads {@link TerraformEngine.status}) for GitOps
   * deployments (the tofu-controller re-plans them), when
   * `direct.driftDetection.enabled` is false, or while the workspace holds
   * files not applied yet.
   */
  async detectDrift(
    context: EngineRenderContext,
    _target: EngineTarget,
  ): Promise<EngineDriftReport | undefined> {
    if (
      context.deployment.delivery !== 'direct' ||
      !this.#config.direct.driftDetection.enabled
    )
      return undefined;
    const drift = await this.cli.checkDrift(deploymentRef(context));
    const log = engineLogger(context, this.#logger);
    if (!drift.checked) {
      log.info(
        `Terraform drift of ${context.deployment.ref} not checked: ${drift.summary}`,
      );
      return undefined;
    }
    if (drift.drifted)
      log.warn(
        `Terraform drift in ${context.deployment.ref}: ${drift.summary}`,
      );
    return {
      drifted: drift.drifted,
      message: drift.summary,
      ...(drift.drifted && drift.plan ? { details: drift.plan } : {}),
    };
  }

  async health(): Promise<{
    status: 'ok' | 'degraded' | 'down';
    message?: string;
  }> {
    const cli = await this.cli.version();
    return cli.ok
      ? {
          status: 'ok',
          message: `terraform ${cli.version} for direct deployments; tofu-controller objects for GitOps`,
        }
      : {
          status: 'degraded',
          message: `GitOps only: direct deployments need the terraform CLI (${cli.message})`,
        };
  }

  #directFiles(
    context: EngineRenderContext,
    block: TerraformBlock,
  ): TerraformFiles {
    const inputs = resolveModuleInputs(block, context.parameters);
    const source = resolveModuleSource(
      block.module,
      this.#config.direct.modulesDirectory,
    );
    return {
      'main.tf': renderRootModule({
        definition: context.definition,
        block,
        source,
        inputs: Object.keys(inputs),
        ref: context.deployment.ref,
      }),
      'backend.tf': renderStateBackend(
        this.#config.stateBackend,
        context.deployment,
      ),
      'terraform.tfvars.json': `${JSON.stringify(inputs, null, 2)}\n`,
    };
  }

  async #directStatus(context: EngineRenderContext): Promise<EngineStatus> {
    const record = await this.cli
      .workspace(deploymentRef(context))
      .readRecord();
    const at = this.#now().toISOString();
    if (!record?.appliedAt) {
      const message = 'not applied yet';
      return {
        phase: 'Syncing',
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'NotApplied',
            message,
            lastTransitionTime: at,
          },
        ],
        message,
      };
    }
    // drift is the drift monitor's to report (detectDrift), as the deployment's Drifted condition
    return {
      phase: 'Ready',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Applied',
          message: `terraform apply succeeded at ${record.appliedAt}`,
          lastTransitionTime: record.appliedAt,
        },
      ],
      outputs: record.outputs ?? {},
      message: `applied at ${record.appliedAt}`,
    };
  }

  async #controllerStatus(
    context: EngineRenderContext,
    target: EngineTarget,
  ): Promise<EngineStatus> {
    if (!target.kubernetes) return noClusterStatus(context, this.#now());
    const { name } = context.deployment;
    const object = await target.kubernetes.get({
      apiVersion: 'infra.contrib.fluxcd.io/v1alpha2',
      kind: 'Terraform',
      name,
      namespace: context.namespace,
    });
    const outputsSecret = object
      ? await target.kubernetes.get({
          apiVersion: 'v1',
          kind: 'Secret',
          name: outputsSecretName(name),
          namespace: context.namespace,
        })
      : undefined;
    return terraformObjectStatus(object, {
      outputsSecret,
      sensitiveOutputs: requireBlock(context.definition).sensitiveOutputs,
      now: this.#now,
    });
  }
}

function deploymentRef(context: EngineRenderContext): TerraformDeploymentRef {
  const { ref, team, environment, name } = context.deployment;
  return { ref, team, environment, name };
}

function toArtifacts(files: TerraformFiles): Artifact[] {
  return Object.entries(files).map(([path, content]) => ({ path, content }));
}

function requireBlock(definition: ResourceDefinition): TerraformBlock {
  if (!definition.spec.terraform)
    throw new InputError(
      `${definition.metadata.name} has no spec.terraform block`,
    );
  return definition.spec.terraform;
}
