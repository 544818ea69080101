import { randomUUID } from 'node:crypto';
import {
  DeploymentPhase,
  formatDeploymentRef,
} from '@nestor/plugin-nestor-common';
import { NewDeployment } from '../store/types';

/**
 * What {@link createTestDeployment} lets a test choose.
 * @public
 */
export interface TestDeploymentOptions {
  id?: string;
  team: string;
  environment: string;
  name: string;
  resource?: string;
  resourceType?: string;
  resourceVersion?: string;
  phase?: DeploymentPhase;
  dependsOn?: string[];
  parameters?: Record<string, unknown>;
  monthlyCost?: number;
  createdAt?: string;
}

/**
 * A new deployment with one revision, as the coordinator would create it.
 * @public
 */
export function createTestDeployment(
  options: TestDeploymentOptions,
): NewDeployment {
  const createdAt = options.createdAt ?? new Date().toISOString();
  const parameters = options.parameters ?? { size: 'small' };
  const phase = options.phase ?? 'Pending';
  const version = options.resourceVersion ?? '1.0.0';
  return {
    id: options.id ?? `dep-${randomUUID()}`,
    ref: formatDeploymentRef(options),
    team: options.team,
    environment: options.environment,
    name: options.name,
    resource: {
      name: options.resource ?? 'postgres-database',
      version,
      type: options.resourceType ?? 'database.postgresql',
      requestedVersion: `^${version}`,
    },
    engine: 'helm',
    delivery: 'gitops',
    parameters,
    dependsOn: options.dependsOn ?? [],
    phase,
    conditions: [],
    history: [{ phase, at: createdAt }],
    revisions: [
      {
        revision: 1,
        definitionVersion: version,
        parameters,
        artifacts: [],
        createdAt,
        requestedBy: 'user:default/tester',
      },
    ],
    currentRevision: 1,
    outputs: {},
    monthlyCost: options.monthlyCost ?? 10,
    attempts: 0,
    requestedBy: 'user:default/tester',
    createdAt,
    updatedAt: createdAt,
  };
}
