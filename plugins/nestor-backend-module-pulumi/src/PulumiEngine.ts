import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { PulumiBlock, ResourceDefinition } from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineCapabilities,
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
import { PulumiCli } from './automation/PulumiCli';
import { PulumiEngineConfig } from './config/pulumiEngineConfigSchema';
import { renderPulumiObjects } from './render/renderPulumiObjects';
import { checkPulumiReferences, resolvePulumiProgram } from './render/resolvePulumiProgram';
import { stackStatus } from './status/stackStatus';

/**
 * The `pulumi` engine: per deployment, a `Program` with the item's Pulumi
 * YAML program (the order's parameters written in) and a `Stack` for the
 * Pulumi Kubernetes Operator, one stack per team, environment and
 * deployment. Direct delivery applies both to the cluster (`direct.mode:
 * operator`) or runs the `pulumi` CLI on the backend's host (`automation`).
 * @public
 */
export class PulumiEngine implements DeploymentEngine {
  readonly name = 'pulumi';
  readonly capabilities: EngineCapabilities = { delivery: ['gitops', 'direct'], outputs: true, drift: true };
  readonly #config: PulumiEngineConfig;
  readonly #cli: PulumiCli;
  readonly #now: () => Date;
  readonly #logger?: LoggerService;

  /** `logger`: the module's, for lines about a deployment whose context brings none. */
  static create(options: { config: PulumiEngineConfig; now?: () => Date; logger?: LoggerService }): PulumiEngine {
    return new PulumiEngine(options.config, options.now ?? (() => new Date()), options.logger);
  }

  private constructor(config: PulumiEngineConfig, now: () => Date, logger: LoggerService | undefined) {
    this.#config = config;
    this.#cli = PulumiCli.create({ config, now });
    this.#now = now;
    this.#logger = logger;
  }

  async validate(definition: ResourceDefinition): Promise<EngineValidationIssue[]> {
    const block = definition.spec.pulumi;
    if (!block) return [{ field: 'spec.pulumi', message: 'the pulumi engine needs a spec.pulumi block' }];
    const issues: EngineValidationIssue[] = [];
    if (Object.keys(block.program.resources ?? {}).length === 0) {
      issues.push({ field: 'spec.pulumi.program.resources', message: 'the program declares no resources' });
    }
    for (const [name, resource] of Object.entries(block.program.resources ?? {})) {
      if (typeof resource.type !== 'string' || !resource.type) {
        issues.push({ field: `spec.pulumi.program.resources.${name}.type`, message: 'every resource needs a type token such as aws:s3:Bucket' });
      }
    }
    issues.push(...checkPulumiReferences(block, definition.spec.parameters));
    for (const output of definition.spec.outputs) {
      if (!(output in (block.program.outputs ?? {}))) {
        issues.push({ field: 'spec.pulumi.program.outputs', message: `the item declares the output "${output}", which the program does not export` });
      }
    }
    return issues;
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    const resolved = resolvePulumiProgram(requireBlock(context.definition), context.parameters);
    const { program, stack } = renderPulumiObjects(context, resolved, this.#config);
    return { artifacts: [objectArtifact('program.yaml', program), objectArtifact('stack.yaml', stack)] };
  }

  async apply(context: EngineRenderContext, rendered: RenderResult, target: EngineTarget): Promise<void> {
    const log = engineLogger(context, this.#logger);
    if (this.#config.direct.mode === 'automation') {
      await this.#cli.up(context, resolvePulumiProgram(requireBlock(context.definition), context.parameters));
      log.info(`pulumi up of ${context.deployment.ref} succeeded`);
      return;
    }
    await requireKubernetes(target, context, this.name).apply(readArtifactObjects(rendered.artifacts), { force: true });
    log.info(`Applied the Program and Stack of ${context.deployment.ref} to cluster ${target.cluster}; the Pulumi operator runs the update`);
  }

  async status(context: EngineRenderContext, target: EngineTarget): Promise<EngineStatus> {
    if (this.#usesCli(context)) {
      const record = await this.#cli.workspace(context).readRecord();
      const at = this.#now().toISOString();
      if (!record) {
        const message = 'the stack has not been updated yet';
        return { phase: 'Syncing', conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NotApplied', message, lastTransitionTime: at }], message };
      }
      const message = `pulumi up of ${record.stack} succeeded at ${record.appliedAt}`;
      return {
        phase: 'Ready',
        conditions: [{ type: 'Ready', status: 'True', reason: 'UpdateSucceeded', message, lastTransitionTime: record.appliedAt }],
        outputs: record.outputs,
        message,
      };
    }
    if (!target.kubernetes) return noClusterStatus(context, this.#now());
    const stack = await target.kubernetes.get({ apiVersion: 'pulumi.com/v1', kind: 'Stack', name: context.deployment.name, namespace: context.namespace });
    return stackStatus(stack, this.#now);
  }

  async destroy(context: EngineRenderContext, target: EngineTarget): Promise<void> {
    if (this.#usesCli(context)) {
      await this.#cli.destroy(context);
      engineLogger(context, this.#logger).info(`pulumi destroy of ${context.deployment.ref} succeeded`);
      return;
    }
    // GitOps: removing the files deletes the Stack; destroyOnFinalize tears the resources down
    if (context.deployment.delivery !== 'direct') return;
    const kubernetes = requireKubernetes(target, context, this.name);
    const ref = { apiVersion: 'pulumi.com/v1', name: context.deployment.name, namespace: context.namespace };
    await kubernetes.delete({ ...ref, kind: 'Stack' });
    await kubernetes.delete({ ...ref, kind: 'Program' });
    engineLogger(context, this.#logger).info(`Deleted the Stack and Program of ${context.deployment.ref}; the operator destroys the resources (destroyOnFinalize)`);
  }

  async health(): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    if (this.#config.direct.mode !== 'automation') {
      return { status: 'ok', message: 'renders Program and Stack objects for the Pulumi Kubernetes Operator' };
    }
    const cli = await this.#cli.version();
    return cli.ok
      ? { status: 'ok', message: `pulumi ${cli.version} (automation mode)` }
      : { status: 'degraded', message: `direct deployments need the pulumi CLI: ${cli.message}` };
  }

  #usesCli(context: EngineRenderContext): boolean {
    return context.deployment.delivery === 'direct' && this.#config.direct.mode === 'automation';
  }
}

function requireBlock(definition: ResourceDefinition): PulumiBlock {
  if (!definition.spec.pulumi) throw new InputError(`${definition.metadata.name} has no spec.pulumi block`);
  return definition.spec.pulumi;
}
