import {
  CatalogItem,
  DeploymentPhase,
  ResourceDefinition,
  ResourceDefinitionInput,
  TeamConfig,
  resourceDefinitionSchema,
  teamConfigSchema,
} from '@nestor/plugin-nestor-common';
import { DependencyStore } from '../DependencyService';
import { DependencyGraphRecord } from '../types';

/** A graph record for `ref`, of definition `resource` (`name@version:type`). */
export function graphRecord(
  ref: string,
  options: { resource?: string; phase?: DeploymentPhase; dependsOn?: string[] } = {},
): DependencyGraphRecord {
  const [team, environment] = ref.split('/');
  const [nameVersion, type = 'app.service'] = (options.resource ?? 'app@1.0.0').split(':');
  const [name, version] = nameVersion.split('@');
  return {
    id: ref,
    ref,
    team,
    environment,
    resource: { name, version, type },
    phase: options.phase ?? 'Ready',
    dependsOn: options.dependsOn ?? [],
  };
}

/** A valid resource definition with the given name, type, version and requires. */
export function resourceDefinition(
  name: string,
  options: {
    type: string;
    version?: string;
    requires?: Array<{ type: string; version?: string }>;
    owner?: string;
    visibility?: ResourceDefinitionInput['spec']['visibility'];
  },
): ResourceDefinition {
  const input: ResourceDefinitionInput = {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name, owner: options.owner ?? 'team-platform' },
    spec: {
      type: options.type,
      version: options.version ?? '1.0.0',
      engine: 'helm',
      helm: { repo: 'https://charts.example.com', chart: name, version: '1.0.0' },
      requires: options.requires ?? [],
      environments: ['dev', 'prod'],
      visibility: options.visibility,
    },
  };
  return resourceDefinitionSchema.parse(input);
}

/** A valid team config granting `grants`. */
export function teamConfig(id: string, grants: string[] = []): { id: string; config: TeamConfig } {
  return {
    id,
    config: teamConfigSchema.parse({
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'TeamConfig',
      metadata: { name: id },
      spec: { environments: ['dev', 'prod'], grants },
    }),
  };
}

/**
 * A store holding just what the dependency service reads, for unit tests of
 * its logic (the API tests use the database store).
 */
export function dependencyStore(data: {
  records: DependencyGraphRecord[];
  definitions: ResourceDefinition[];
  teams: Array<{ id: string; config: TeamConfig }>;
  history?: ResourceDefinition[];
}): DependencyStore {
  const item = (definition: ResourceDefinition): CatalogItem => ({
    name: definition.metadata.name,
    definition,
    source: { id: 'test', url: 'file:///test', path: 'buffet.yaml', commit: 'c0' },
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  });
  return {
    deployments: {
      listGraphRecords: async () => data.records.map(r => ({ ...r, id: r.id ?? r.ref, resource: { ...r.resource, requestedVersion: '*' } })),
    },
    catalog: {
      getItems: async names => data.definitions.filter(d => names.includes(d.metadata.name)).map(item),
      listVersions: async name =>
        [...(data.history ?? []), ...data.definitions]
          .filter(d => d.metadata.name === name)
          .map(definition => ({
            name,
            version: definition.spec.version,
            commit: 'c0',
            syncedAt: '2025-01-01T00:00:00Z',
            change: 'updated' as const,
            changedFields: [],
            definition,
          })),
    },
    teams: {
      listTeams: async () =>
        data.teams.map(t => ({ ...t, source: { id: 'test', path: 'teams.yaml', commit: 'c0' }, updatedAt: '2025-01-01T00:00:00Z' })),
    },
  };
}
