import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  CatalogItem,
  Deployment,
  ResourceDefinition,
} from '@nestor/plugin-nestor-common';
import {
  createTestDeployment,
  createTestResourceDefinition,
  TestDeploymentOptions,
} from '@nestor/plugin-nestor-node/testUtils';
import { EntityContext } from '../types';

/** An installation: app at acme.example, Gitea at git.acme.example, entities in `nestor`. */
export function testContext(
  overrides: Partial<EntityContext> = {},
): EntityContext {
  return {
    namespace: 'nestor',
    groupNamespace: 'default',
    appBaseUrl: 'https://backstage.acme.example',
    nestorAppUrl: 'https://backstage.acme.example/nestor',
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: { gitea: [{ host: 'git.acme.example' }] },
      }),
    ),
    ...overrides,
  };
}

/** A catalog item as `GET /catalog/{name}` answers it. */
export function testItem(
  definition: ResourceDefinition,
  source: Partial<CatalogItem['source']> = {},
): CatalogItem {
  return {
    name: definition.metadata.name,
    definition,
    source: {
      id: 'platform',
      url: 'https://github.com/acme/buffet.git',
      path: `resources/${definition.metadata.name}.yaml`,
      commit: '0123456789abcdef0123456789abcdef01234567',
      ...source,
    },
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
  };
}

/** PostgreSQL as in examples/resources: needs a VPC, typed parameters with a shared definition. */
export function postgresDefinition(
  overrides: Partial<ResourceDefinition['spec']> = {},
): ResourceDefinition {
  const definition = createTestResourceDefinition({
    name: 'postgres-database',
    title: 'PostgreSQL database',
    description: 'Managed PostgreSQL with daily backups',
    type: 'database.postgresql',
    version: '1.4.0',
    tags: ['database', 'sql'],
    environments: ['dev', 'staging', 'prod'],
    monthlyCost: 120,
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'ignored at this level',
      type: 'object',
      required: ['size'],
      definitions: { gib: { type: 'integer', minimum: 20, maximum: 2000 } },
      properties: {
        size: {
          type: 'string',
          enum: ['small', 'medium', 'large'],
          default: 'small',
        },
        storageGb: { $ref: '#/definitions/gib', default: 50 },
      },
    },
  });
  definition.spec.requires = [
    { type: 'network.vpc', version: '>=1.0.0 <2.0.0' },
  ];
  Object.assign(definition.spec, overrides);
  return definition;
}

/** A deployment as `GET /deployments/{id}` answers it. */
export function testDeployment(options: TestDeploymentOptions): Deployment {
  return { ...createTestDeployment(options), version: 1 };
}
