import {
  NESTOR_API_VERSION,
  ResourceDefinition,
  Visibility,
} from '@nestor/plugin-nestor-common';

/**
 * What {@link createTestResourceDefinition} lets a test choose.
 * @public
 */
export interface TestResourceDefinitionOptions {
  name: string;
  title?: string;
  description?: string;
  owner?: string;
  tags?: string[];
  type?: string;
  version?: string;
  engine?: string;
  visibility?: Visibility;
  environments?: string[];
  parameters?: Record<string, unknown>;
  monthlyCost?: number;
}

/**
 * A valid buffet item (a Helm chart unless another engine is named) for tests.
 * @public
 */
export function createTestResourceDefinition(
  options: TestResourceDefinitionOptions,
): ResourceDefinition {
  const engine = options.engine ?? 'helm';
  const definition: ResourceDefinition = {
    apiVersion: NESTOR_API_VERSION,
    kind: 'ResourceDefinition',
    metadata: {
      name: options.name,
      title: options.title ?? `Title of ${options.name}`,
      description: options.description ?? `Description of ${options.name}`,
      owner: options.owner ?? 'team-platform',
      tags: options.tags ?? [],
    },
    spec: {
      type: options.type ?? 'app.service',
      version: options.version ?? '1.0.0',
      engine,
      parameters: options.parameters ?? {
        type: 'object',
        properties: {
          size: { type: 'string', enum: ['small', 'large'], default: 'small' },
        },
      },
      outputs: ['host'],
      requires: [],
      visibility: options.visibility ?? { public: true },
      environments: options.environments ?? ['dev', 'prod'],
      cost: { monthly: options.monthlyCost ?? 10, currency: 'USD' },
    },
  };
  if (engine === 'helm') {
    definition.spec.helm = {
      repo: 'https://charts.example.com',
      chart: options.name,
      version: '1.0.0',
    };
  }
  return definition;
}
