import { stringify } from 'yaml';

/** Options of {@link resourceDefinitionYaml}. @public */
export interface ResourceDefinitionYamlOptions {
  owner?: string;
  title?: string;
  description?: string;
  tags?: string[];
  type?: string;
  version?: string;
  engine?: string;
  /** `public` or a list of team ids */
  visibility?: 'public' | string[];
  parameters?: Record<string, unknown>;
  requires?: Array<{ type: string; version: string }>;
  /** fields merged into `spec` last (may break validity on purpose) */
  extraSpec?: Record<string, unknown>;
}

/**
 * A valid `ResourceDefinition` document (helm engine) as YAML, for writing
 * buffet repositories in tests and benchmarks.
 * @public
 */
export function resourceDefinitionYaml(name: string, options: ResourceDefinitionYamlOptions = {}): string {
  const visibility = !options.visibility || options.visibility === 'public' ? { public: true } : { teams: options.visibility };
  return stringify({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: {
      name,
      title: options.title ?? `Resource ${name}`,
      description: options.description ?? `The ${name} resource`,
      owner: options.owner ?? 'team-platform',
      tags: options.tags ?? ['test'],
    },
    spec: {
      type: options.type ?? 'database.postgresql',
      version: options.version ?? '1.0.0',
      engine: options.engine ?? 'helm',
      parameters: options.parameters ?? {
        type: 'object',
        required: ['size'],
        properties: { size: { type: 'string', enum: ['small', 'medium', 'large'], default: 'small' } },
      },
      outputs: ['host', 'port'],
      requires: options.requires ?? [],
      visibility,
      environments: ['dev', 'prod'],
      helm: { repo: 'https://charts.example.com', chart: name, version: '1.0.0' },
      ...options.extraSpec,
    },
  });
}

/**
 * A valid `TeamConfig` document as YAML.
 * @public
 */
export function teamConfigYaml(name: string, options: { environments?: string[]; grants?: string[] } = {}): string {
  return stringify({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'TeamConfig',
    metadata: { name },
    spec: {
      environments: options.environments ?? ['dev', 'prod'],
      quotas: { dev: { maxDeployments: 10 } },
      grants: options.grants ?? [],
    },
  });
}
