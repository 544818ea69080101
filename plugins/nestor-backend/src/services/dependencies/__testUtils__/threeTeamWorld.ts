import { mockServices } from '@backstage/backend-test-utils';
import { NewNestorEvent } from '@nestor/plugin-nestor-common';
import { DependencyRequest, DependencyService } from '../DependencyService';
import { DependencyGraphRecord } from '../types';
import { dependencyStore, graphRecord, resourceDefinition, teamConfig } from './dependencyFixtures';

/*
 * A small world for the service's tests: a platform team's VPCs in several
 * environments (one being deleted, one of version 2), team-a's database on
 * a VPC, and a chain across three teams a -> b -> c, each step granted.
 */
export const vpc = resourceDefinition('vpc', { type: 'network.vpc', version: '1.2.0' });
export const postgres = resourceDefinition('postgres', {
  type: 'database.postgresql',
  version: '1.4.0',
  requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
});
export const svc = resourceDefinition('svc', { type: 'app.service' });
/** team-d's item that team-a may order (visibility), which grants nothing on team-d's deployments */
export const secretStore = resourceDefinition('secret-store', {
  type: 'security.secrets',
  owner: 'team-d',
  visibility: { teams: ['team-a'] },
});

export const records: DependencyGraphRecord[] = [
  graphRecord('team-platform/dev/vpc', { resource: 'vpc@1.2.0:network.vpc' }),
  graphRecord('team-platform/dev/vpc-next', { resource: 'vpc@2.1.0:network.vpc' }),
  graphRecord('team-platform/prod/vpc', { resource: 'vpc@1.2.0:network.vpc' }),
  graphRecord('team-platform/shared/vpc', { resource: 'vpc@1.2.0:network.vpc' }),
  graphRecord('team-platform/dev/old-vpc', { resource: 'vpc@1.0.0:network.vpc', phase: 'Deleting' }),
  graphRecord('team-a/dev/db', { resource: 'postgres@1.4.0:database.postgresql', dependsOn: ['team-platform/dev/vpc'] }),
  graphRecord('team-a/dev/queue', { resource: 'svc@1.0.0:app.service', phase: 'Pending' }),
  // a three-team chain: a depends on b, b on c (each granted)
  graphRecord('team-a/dev/x', { resource: 'svc@1.0.0:app.service', dependsOn: ['team-b/dev/y'] }),
  graphRecord('team-b/dev/y', { resource: 'svc@1.0.0:app.service', dependsOn: ['team-c/dev/z'] }),
  graphRecord('team-c/dev/z', { resource: 'svc@1.0.0:app.service' }),
  graphRecord('team-d/dev/secret', { resource: 'svc@1.0.0:app.service' }),
];

export const teams = [
  teamConfig('team-platform', ['team-a', 'team-b', 'team-c']),
  teamConfig('team-a', ['team-c']),
  teamConfig('team-b', ['team-a']),
  teamConfig('team-c', ['team-b']),
  teamConfig('team-d'),
];

export async function createService(options: { emit?: (event: NewNestorEvent) => void } = {}) {
  return DependencyService.create({
    store: dependencyStore({
      records,
      definitions: [vpc, postgres, svc, secretStore],
      teams,
      history: [
        resourceDefinition('postgres', {
          type: 'database.postgresql',
          version: '1.3.0',
          requires: [{ type: 'network.vpc', version: '>=1.0.0' }],
        }),
        resourceDefinition('vpc', { type: 'network.vpc', version: '2.1.0' }),
      ],
    }),
    logger: mockServices.logger.mock(),
    environmentLinks: { dev: ['shared'] },
    ...options,
  });
}

export function request(ref: string, resource: string, dependsOn: string[] = [], version?: string): DependencyRequest {
  const [team, environment, name] = ref.split('/');
  return { team, environment, name, resource, dependsOn, version };
}

