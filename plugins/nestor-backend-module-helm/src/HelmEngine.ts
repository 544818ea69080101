import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { HelmBlock, ResourceDefinition, semverSchema } from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
  EngineValidationIssue,
  RenderResult,
  engineLogger,
  objectArtifact,
  readArtifactObjects,
  noClusterStatus,
  requireKubernetes,
  statusFromConditions,
  substituteParameters,
  checkParameterReferences,
} from '@nestor/plugin-nestor-node';
import { HelmEngineConfig } from './config/helmEngineConfigSchema';
import { argoApplicationName, renderArgoApplication } from './render/renderArgoApplication';
import { renderFluxHelmRelease } from './render/renderFluxHelmRelease';
import { renderWrapperChart } from './render/renderWrapperChart';
import { resolveHelmValues } from './render/resolveHelmValues';
import { HelmRenderInput, WRAPPER_CHART_DIR } from './render/types';
import { applicationStatus } from './status/applicationStatus';

const CHART_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The `helm` engine: renders an Argo CD `Application` with a Helm source (or
 * a Flux `HelmRelease`, with `mode: flux`) per deployment, with the values
 * of the deployment's environment and order; generates a wrapper chart for
 * items that have templates instead of an upstream chart. Status comes from
 * the Application's sync and health, or the HelmRelease's conditions.
 * @public
 */
export class HelmEngine implements DeploymentEngine {
  readonly name = 'helm';
  readonly capabilities = { delivery: ['gitops', 'direct'] as Array<'gitops' | 'direct'>, outputs: true, drift: true };
  readonly #config: HelmEngineConfig;
  readonly #now: () => Date;
  readonly #logger?: LoggerService;

  /** `logger`: the module's, for lines about a deployment whose context brings none. */
  static create(options: { config: HelmEngineConfig; now?: () => Date; logger?: LoggerService }): HelmEngine {
    return new HelmEngine(options.config, options.now ?? (() => new Date()), options.logger);
  }

  private constructor(config: HelmEngineConfig, now: () => Date, logger: LoggerService | undefined) {
    this.#config = config;
    this.#now = now;
    this.#logger = logger;
  }

  async validate(definition: ResourceDefinition): Promise<EngineValidationIssue[]> {
    const block = definition.spec.helm;
    if (!block) return [{ field: 'spec.helm', message: 'the helm engine needs a spec.helm block' }];
    const issues: EngineValidationIssue[] = [];
    const environments = new Set(definition.spec.environments);
    for (const environment of Object.keys(block.environmentValues ?? {})) {
      if (!environments.has(environment)) {
        issues.push({
          field: `spec.helm.environmentValues.${environment}`,
          message: `"${environment}" is not one of the item's environments (${definition.spec.environments.join(', ')})`,
        });
      }
    }
    if (block.templates) {
      if (!CHART_NAME.test(block.chart) || block.chart.length > 63) {
        issues.push({ field: 'spec.helm.chart', message: 'a wrapper chart name must be a DNS-1123 label (lower case letters, digits and "-")' });
      }
      if (!semverSchema.safeParse(block.version).success) {
        issues.push({ field: 'spec.helm.version', message: 'a wrapper chart version must be a semantic version such as 1.0.0' });
      }
    }
    // every order the parameter schema accepts must resolve every reference (a literal `${x}` would reach Helm otherwise)
    for (const key of ['values', 'environmentValues'] as const) {
      issues.push(...checkParameterReferences(block[key] ?? {}, definition.spec.parameters, { field: `spec.helm.${key}` }));
    }
    return issues;
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    const input = this.#renderInput(context);
    const artifacts = input.wrapperChartPath ? renderWrapperChart(input) : [];
    if (this.#config.mode === 'flux') {
      const objects = renderFluxHelmRelease(input, this.#config.flux);
      artifacts.push(...objects.map(o => objectArtifact(`${o.kind.toLowerCase()}.yaml`, o)));
    } else {
      artifacts.push(objectArtifact('application.yaml', renderArgoApplication(input, this.#config.argocd)));
    }
    return { artifacts };
  }

  async apply(context: EngineRenderContext, rendered: RenderResult, target: EngineTarget): Promise<void> {
    const objects = readArtifactObjects(rendered.artifacts);
    await requireKubernetes(target, context, this.name).apply(objects, { force: true });
    engineLogger(context, this.#logger).info(
      `Applied ${objects.map(o => `${o.kind} ${o.metadata.name}`).join(', ')} of ${context.deployment.ref} to cluster ${target.cluster}`,
    );
  }

  async status(context: EngineRenderContext, target: EngineTarget): Promise<EngineStatus> {
    const kubernetes = target.kubernetes;
    if (!kubernetes) return noClusterStatus(context, this.#now());
    const { deployment } = context;
    let status: EngineStatus;
    if (this.#config.mode === 'flux') {
      const release = await kubernetes.get({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        name: deployment.name,
        namespace: context.namespace,
      });
      status = statusFromConditions(release, { kind: 'HelmRelease', now: this.#now });
    } else {
      const application = await kubernetes.get({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        name: argoApplicationName(deployment),
        namespace: this.#config.argocd.namespace,
      });
      status = applicationStatus(application, this.#now());
    }
    if (status.phase === 'Ready') status.outputs = this.#outputs(context);
    return status;
  }

  async destroy(context: EngineRenderContext, target: EngineTarget): Promise<void> {
    // GitOps: removing the files from the repository deletes the objects (the
    // Application's finalizer, or Flux's pruning, uninstalls the release)
    if (context.deployment.delivery !== 'direct') return;
    const kubernetes = requireKubernetes(target, context, this.name);
    const rendered = await this.render(context);
    const objects = readArtifactObjects(rendered.artifacts).reverse();
    for (const object of objects) {
      await kubernetes.delete({
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      });
    }
    engineLogger(context, this.#logger).info(
      `Deleted ${objects.map(o => `${o.kind} ${o.metadata.name}`).join(', ')} of ${context.deployment.ref} from cluster ${target.cluster}`,
    );
  }

  async health(): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    return { status: 'ok', message: `renders ${this.#config.mode === 'flux' ? 'Flux HelmReleases' : 'Argo CD Applications'}` };
  }

  #renderInput(context: EngineRenderContext): HelmRenderInput {
    const block = requireBlock(context.definition);
    const values = resolveHelmValues(block, {
      environment: context.deployment.environment,
      environments: context.definition.spec.environments,
      parameters: context.parameters,
    });
    let wrapperChartPath: string | undefined;
    if (block.templates) {
      if (!context.gitops) {
        throw new InputError(
          `${context.definition.metadata.name} is a generated wrapper chart, which Argo CD and Flux read from Git: ` +
            `deployment ${context.deployment.ref} needs GitOps delivery`,
        );
      }
      wrapperChartPath = [context.gitops.path, WRAPPER_CHART_DIR].filter(Boolean).join('/');
    }
    return { context, block, values, releaseName: block.releaseName ?? context.deployment.name, wrapperChartPath };
  }

  #outputs(context: EngineRenderContext): Record<string, unknown> {
    const block = requireBlock(context.definition);
    const releaseName = block.releaseName ?? context.deployment.name;
    const known = { ...context.parameters, release: releaseName, namespace: context.namespace };
    const declared = substituteParameters(block.outputValues ?? {}, known, { unescape: true }).value;
    return { release: releaseName, namespace: context.namespace, ...declared };
  }
}

function requireBlock(definition: ResourceDefinition): HelmBlock {
  if (!definition.spec.helm) {
    throw new InputError(`${definition.metadata.name} has no spec.helm block`);
  }
  return definition.spec.helm;
}
