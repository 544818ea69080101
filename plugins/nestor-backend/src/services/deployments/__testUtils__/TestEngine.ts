import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import {
  DeploymentEngine,
  EngineCapabilities,
  EngineRenderContext,
  EngineStatus,
  EngineTarget,
  RenderResult,
  TransientEngineError,
  objectArtifact,
} from '@nestor/plugin-nestor-node';

/**
 * A deployment engine for coordinator tests (the real engines have their own
 * tests): renders one ConfigMap per deployment and one platform file per
 * item, reports the status the test sets, and fails on command.
 */
export class TestEngine implements DeploymentEngine {
  readonly name = 'test';
  readonly capabilities: EngineCapabilities = { delivery: ['gitops', 'direct'], outputs: true, drift: false };
  /** refs in the order they were rendered */
  readonly renders: string[] = [];
  readonly destroyed: string[] = [];
  /** refs whose status reads Ready, with their outputs */
  readonly ready = new Map<string, Record<string, unknown>>();
  /** refs whose status reads Failed, with the message */
  readonly failing = new Map<string, string>();
  /** how many renders throw a transient error before they succeed */
  transientRenderFailures = 0;
  /** when set, renders throw this (not transient) */
  permanentRenderError?: string;
  /** when set, render waits for it (to hold a step in flight) */
  renderGate?: Promise<void>;

  async validate(definition: ResourceDefinition) {
    return definition.spec.parameters.type === 'object' ? [] : [{ field: 'parameters', message: 'must be an object schema' }];
  }

  async render(context: EngineRenderContext): Promise<RenderResult> {
    await this.renderGate;
    if (this.permanentRenderError) throw new Error(this.permanentRenderError);
    if (this.transientRenderFailures > 0) {
      this.transientRenderFailures--;
      throw new TransientEngineError('the engine backend is unavailable (503)');
    }
    this.renders.push(context.deployment.ref);
    context.logger?.info(`rendering ${context.deployment.ref}`);
    const { deployment, parameters, namespace } = context;
    return {
      artifacts: [
        objectArtifact('configmap.yaml', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: deployment.name, namespace, labels: { 'nestor.io/team': deployment.team } },
          data: { parameters: JSON.stringify(parameters), revision: String(deployment.currentRevision) },
        }),
      ],
      platformArtifacts: [{ path: 'README.md', content: `# ${context.definition.metadata.name}@${context.definition.spec.version}\n` }],
    };
  }

  async status(context: EngineRenderContext, _target: EngineTarget): Promise<EngineStatus> {
    const ref = context.deployment.ref;
    const now = new Date().toISOString();
    if (this.failing.has(ref)) {
      return { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', reason: 'Broken', lastTransitionTime: now }], message: this.failing.get(ref) };
    }
    if (this.ready.has(ref)) {
      return { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now }], outputs: this.ready.get(ref) };
    }
    return { phase: 'Syncing', conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: now }] };
  }

  async destroy(context: EngineRenderContext): Promise<void> {
    this.destroyed.push(context.deployment.ref);
  }

  async health() {
    return { status: 'ok' as const };
  }
}
