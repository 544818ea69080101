import { LoggerService } from '@backstage/backend-plugin-api';
import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineCapabilities,
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
  EngineValidationIssue,
  RenderResult,
  engineLogger,
  objectArtifact,
  readArtifactObjects,
  requireKubernetes,
} from '@nestor/plugin-nestor-node';
import { crossplaneNames } from '../manifests/crossplaneNames';
import { generateComposition, PipelineStep } from '../manifests/generateComposition';
import { generateCompositeResourceDefinition } from '../manifests/generateCompositeResourceDefinition';
import { connectionSecretName, renderCrossplaneObject } from '../manifests/renderCrossplaneObject';
import { readCrossplaneStatus } from './readCrossplaneStatus';

/** Options of {@link CrossplaneEngine}. @public */
export interface CrossplaneEngineOptions {
  /** pipeline of items that name no `spec.crossplane.composition.functions` */
  defaultPipeline?: PipelineStep[];
  /** the module's logger, for lines about a deployment whose context brings none */
  logger?: LoggerService;
}

/**
 * The Crossplane engine: per buffet item an XRD and a pipeline Composition
 * (platform artifacts, for the platform's GitOps repo), per deployment a
 * claim or namespaced XR; status from the object's `Synced` and `Ready`
 * conditions, outputs from its status and connection secret.
 * @public
 */
export class CrossplaneEngine implements DeploymentEngine {
  readonly name = 'crossplane';
  readonly capabilities: EngineCapabilities = { delivery: ['gitops', 'direct'], outputs: true, drift: true };
  readonly #defaultPipeline?: PipelineStep[];
  readonly #logger?: LoggerService;

  static create(options: CrossplaneEngineOptions = {}): CrossplaneEngine {
    return new CrossplaneEngine(options);
  }

  private constructor(options: CrossplaneEngineOptions) {
    this.#defaultPipeline = options.defaultPipeline;
    this.#logger = options.logger;
  }

  async validate(definition: ResourceDefinition): Promise<EngineValidationIssue[]> {
    if (!definition.spec.crossplane) {
      return [{ field: 'crossplane', message: 'spec.crossplane is required for the crossplane engine' }];
    }
    return [
      ...generateCompositeResourceDefinition(definition).issues,
      ...generateComposition(definition, { defaultPipeline: this.#defaultPipeline }).issues,
    ];
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    const { definition } = context;
    const xrd = generateCompositeResourceDefinition(definition);
    const composition = generateComposition(definition, { defaultPipeline: this.#defaultPipeline });
    const issues = [...xrd.issues, ...composition.issues];
    if (issues.length > 0) {
      throw new Error(`cannot render ${definition.metadata.name}@${definition.spec.version}: ${issues.map(i => `${i.field}: ${i.message}`).join('; ')}`);
    }
    const object = renderCrossplaneObject(context);
    const names = crossplaneNames(definition);
    return {
      artifacts: [objectArtifact(names.claimStyle ? 'claim.yaml' : 'composite.yaml', object)],
      platformArtifacts: [objectArtifact('definition.yaml', xrd.object), objectArtifact('composition.yaml', composition.object)],
    };
  }

  async apply(context: EngineRenderContext, rendered: RenderResult, target: EngineTarget): Promise<void> {
    const kubernetes = requireKubernetes(target, context, this.name);
    const objects = readArtifactObjects([...(rendered.platformArtifacts ?? []), ...rendered.artifacts]);
    await kubernetes.apply(objects);
    engineLogger(context, this.#logger).info(
      `Applied ${objects.map(o => `${o.kind} ${o.metadata.name}`).join(', ')} of ${context.deployment.ref} to cluster ${target.cluster}`,
    );
  }

  async status(context: EngineRenderContext, target: EngineTarget): Promise<EngineStatus> {
    if (!target.kubernetes) {
      return {
        conditions: [
          {
            type: 'Synced',
            status: 'Unknown',
            reason: 'NoCluster',
            message: `no cluster is configured for environment ${context.deployment.environment}: status cannot be read`,
            lastTransitionTime: new Date().toISOString(),
          },
        ],
        message: 'no cluster to read the status from',
      };
    }
    const ref = this.#ref(context);
    const object = await target.kubernetes.get(ref);
    const names = crossplaneNames(context.definition);
    const secret =
      object && names.claimStyle
        ? await target.kubernetes.get({ apiVersion: 'v1', kind: 'Secret', name: connectionSecretName(context.deployment.name), namespace: context.namespace })
        : undefined;
    return readCrossplaneStatus(object, context.definition, {
      secret,
      waitingFor: context.deployment.delivery === 'gitops' ? 'GitOps delivery has not synced it' : undefined,
    });
  }

  async destroy(context: EngineRenderContext, target: EngineTarget): Promise<void> {
    const ref = this.#ref(context);
    await requireKubernetes(target, context, this.name).delete(ref);
    engineLogger(context, this.#logger).info(`Deleted ${ref.kind} ${ref.namespace}/${ref.name} of ${context.deployment.ref} from cluster ${target.cluster}`);
  }

  async health(): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    return { status: 'ok', message: this.#defaultPipeline ? `default pipeline: ${this.#defaultPipeline.map(s => s.step).join(', ')}` : undefined };
  }

  #ref(context: EngineRenderContext) {
    const names = crossplaneNames(context.definition);
    return { apiVersion: names.apiVersion, kind: names.deploymentKind, name: context.deployment.name, namespace: context.namespace };
  }
}
