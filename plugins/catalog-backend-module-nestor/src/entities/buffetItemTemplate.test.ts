import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { createTestResourceDefinition } from '@nestor/plugin-nestor-node/testUtils';
import {
  postgresDefinition,
  testContext,
  testItem,
} from './__testUtils__/fixtures';
import { buffetItemTemplate } from './buffetItemTemplate';

describe('buffetItemTemplate', () => {
  it('is a valid Template named and owned like its item, calling nestor:deploy', async () => {
    const template = buffetItemTemplate(
      testItem(postgresDefinition()),
      testContext(),
    );
    expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    expect(template.metadata).toMatchObject({
      name: 'postgres-database',
      namespace: 'nestor',
      title: 'PostgreSQL database',
      description:
        'Managed PostgreSQL with daily backups About 120 USD a month.',
      tags: ['nestor', 'database', 'sql'],
      annotations: expect.objectContaining({
        'nestor.io/resource-name': 'postgres-database',
      }),
    });
    expect(template.spec).toMatchObject({
      owner: 'group:default/team-platform',
      type: 'resource',
    });
    expect((template.spec as any).steps).toEqual([
      {
        id: 'deploy',
        name: 'Order PostgreSQL database',
        action: 'nestor:deploy',
        input: {
          team: "${{ parameters.team | parseEntityRef({ defaultKind: 'Group', defaultNamespace: 'default' }) | pick('name') }}",
          environment: '${{ parameters.environment }}',
          name: '${{ parameters.name }}',
          resource: 'postgres-database',
          version: '^1.4.0',
          parameters: '${{ parameters.settings or {} }}',
          dependsOn: [
            "${{ parameters['dependency_network_vpc'] }}",
            '${{ parameters.otherDependencies or [] }}',
          ],
        },
      },
    ]);
  });

  it("asks for team, environment and name; the item's own environments are the choices", () => {
    const [where] = (
      buffetItemTemplate(testItem(postgresDefinition()), testContext())
        .spec as any
    ).parameters;
    expect(where.required).toEqual(['team', 'environment', 'name']);
    expect(where.properties.team).toMatchObject({
      'ui:field': 'OwnerPicker',
      'ui:options': { catalogFilter: [{ kind: 'Group' }] },
    });
    expect(where.properties.environment).toEqual({
      title: 'Environment',
      type: 'string',
      enum: ['dev', 'staging', 'prod'],
      default: 'dev',
    });
    expect(where.properties.name).toMatchObject({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      maxLength: 63,
    });
  });

  it('offers only the teams that may see a restricted item', () => {
    const definition = postgresDefinition({
      visibility: { teams: ['team-payments', 'team-checkout'] },
    });
    const [where] = (
      buffetItemTemplate(testItem(definition), testContext()).spec as any
    ).parameters;
    expect(where.properties.team['ui:options'].catalogFilter).toEqual([
      {
        kind: 'Group',
        'metadata.name': ['team-platform', 'team-payments', 'team-checkout'],
      },
    ]);
  });

  it("nests the item's parameter schema under `settings`, with its definitions moved up so $refs resolve", () => {
    const [, settings] = (
      buffetItemTemplate(testItem(postgresDefinition()), testContext())
        .spec as any
    ).parameters;
    expect(settings).toEqual({
      title: 'PostgreSQL database: settings',
      required: ['settings'],
      definitions: { gib: { type: 'integer', minimum: 20, maximum: 2000 } },
      properties: {
        settings: {
          title: 'Settings',
          type: 'object',
          required: ['size'],
          properties: {
            size: {
              type: 'string',
              enum: ['small', 'medium', 'large'],
              default: 'small',
            },
            storageGb: { $ref: '#/definitions/gib', default: 50 },
          },
        },
      },
    });
  });

  it('has a picker of deployments of each required type, and one for other dependencies', () => {
    const pages = (
      buffetItemTemplate(testItem(postgresDefinition()), testContext())
        .spec as any
    ).parameters;
    const dependencies = pages[pages.length - 1];
    expect(dependencies.required).toEqual(['dependency_network_vpc']);
    expect(dependencies.properties.dependency_network_vpc).toMatchObject({
      title: 'network.vpc (>=1.0.0 <2.0.0)',
      type: 'string',
      'ui:field': 'EntityPicker',
      'ui:options': {
        defaultKind: 'Resource',
        defaultNamespace: 'nestor',
        allowArbitraryValues: false,
        catalogFilter: [
          {
            kind: 'Resource',
            'spec.type': 'network.vpc',
            'metadata.tags': 'nestor-deployment',
          },
        ],
      },
    });
    expect(dependencies.properties.otherDependencies).toMatchObject({
      type: 'array',
      default: [],
      'ui:field': 'MultiEntityPicker',
      'ui:options': {
        catalogFilter: [
          { kind: 'Resource', 'metadata.tags': 'nestor-deployment' },
        ],
      },
    });
  });

  it('leaves the settings page out for an item without parameters and orders it with none', () => {
    const definition = createTestResourceDefinition({
      name: 'k8s-namespace',
      parameters: { type: 'object', properties: {} },
    });
    const spec = buffetItemTemplate(testItem(definition), testContext())
      .spec as any;
    expect(spec.parameters.map((p: any) => p.title)).toEqual([
      'Team and environment',
      'Dependencies',
    ]);
    expect(spec.steps[0].input.parameters).toEqual({});
    expect(spec.steps[0].input.dependsOn).toEqual([
      '${{ parameters.otherDependencies or [] }}',
    ]);
  });
});
