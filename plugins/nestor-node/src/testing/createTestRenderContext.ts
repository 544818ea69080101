import { LoggerService } from '@backstage/backend-plugin-api';
import { Deployment, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineGitopsLocation, EngineRenderContext } from '../engines/types';
import { createTestDeployment } from './createTestDeployment';

/**
 * What {@link createTestRenderContext} lets a test choose.
 * @public
 */
export interface TestRenderContextOptions {
  definition: ResourceDefinition;
  team?: string;
  environment?: string;
  name?: string;
  /** the order's parameters; the definition's schema defaults are applied to them */
  parameters?: Record<string, unknown>;
  delivery?: 'gitops' | 'direct';
  /** `false` for none; by default a repository on example.com */
  gitops?: EngineGitopsLocation | false;
  dependencyOutputs?: Record<string, Record<string, unknown>>;
  /** the deployment's logger (none by default: engines then use their own) */
  logger?: LoggerService;
}

/**
 * An engine render context for a deployment of `definition`, as the
 * coordinator builds it: parameters with the schema's top-level defaults
 * applied, the namespace `<team>-<environment>`, and the GitOps folder
 * `nestor/<environment>/<name>`.
 * @public
 */
export function createTestRenderContext(options: TestRenderContextOptions): EngineRenderContext {
  const team = options.team ?? 'team-a';
  const environment = options.environment ?? options.definition.spec.environments[0];
  const name = options.name ?? 'my-deployment';
  const properties = ((options.definition.spec.parameters as { properties?: Record<string, { default?: unknown }> }).properties ?? {});
  const defaults = Object.fromEntries(
    Object.entries(properties)
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
  const parameters = { ...defaults, ...(options.parameters ?? {}) };
  const deployment: Deployment = {
    ...createTestDeployment({
      team,
      environment,
      name,
      resource: options.definition.metadata.name,
      resourceType: options.definition.spec.type,
      resourceVersion: options.definition.spec.version,
      parameters: options.parameters ?? {},
    }),
    engine: options.definition.spec.engine,
    delivery: options.delivery ?? 'gitops',
    version: 1,
  };
  return {
    definition: options.definition,
    deployment,
    parameters,
    dependencyOutputs: options.dependencyOutputs ?? {},
    namespace: `${team}-${environment}`,
    gitops:
      options.gitops === false
        ? undefined
        : options.gitops ?? { repo: 'https://git.example.com/team-a/infra.git', branch: 'main', path: `nestor/${environment}/${name}` },
    ...(options.logger ? { logger: options.logger } : {}),
  };
}
