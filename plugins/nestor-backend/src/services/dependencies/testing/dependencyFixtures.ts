import {
  DeploymentPhase,
  ResourceDefinition,
  ResourceDefinitionInput,
  TeamConfig,
  resourceDefinitionSchema,
  teamConfigSchema,
} from '@nestor/plugin-nestor-common';
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
  options: { type: string; version?: string; requires?: Array<{ type: string; version?: string }> },
): ResourceDefinition {
  const input: ResourceDefinitionInput = {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name, owner: 'team-platform' },
    spec: {
      type: options.type,
      version: options.version ?? '1.0.0',
      engine: 'helm',
      helm: { repo: 'https://charts.example.com', chart: name, version: '1.0.0' },
      requires: options.requires ?? [],
      environments: ['dev', 'prod'],
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
