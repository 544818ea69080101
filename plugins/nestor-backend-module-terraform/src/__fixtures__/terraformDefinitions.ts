import path from 'node:path';
import {
  ResourceDefinition,
  resourceDefinitionSchema,
} from '@nestor/plugin-nestor-common';

/** The folder holding the fixture modules. */
// eslint-disable-next-line no-restricted-syntax -- test fixtures, read from the source tree, never part of a build
export const FIXTURE_MODULES = path.resolve(__dirname, 'modules');

/** An item whose module is a local folder with built-in resources only. */
export function greetingDefinition(module = './greeting'): ResourceDefinition {
  return resourceDefinitionSchema.parse({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name: 'greeting', owner: 'team-platform' },
    spec: {
      type: 'demo.greeting',
      version: '1.0.0',
      engine: 'terraform',
      parameters: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          size: { type: 'string', default: 'small' },
          team: { type: 'string', default: 'platform' },
        },
      },
      outputs: ['message', 'tagCount', 'token'],
      environments: ['dev', 'prod'],
      terraform: {
        module,
        variables: { tags: { team: '${team}', literal: '$${not-a-param}' } },
        sensitiveOutputs: ['token'],
      },
    },
  });
}

/** An item on a registry module (rendered for GitOps only: no network here). */
export function s3BucketDefinition(): ResourceDefinition {
  return resourceDefinitionSchema.parse({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name: 's3-bucket', owner: 'team-platform' },
    spec: {
      type: 'storage.s3',
      version: '1.3.2',
      engine: 'terraform',
      parameters: {
        type: 'object',
        properties: {
          versioning: { type: 'boolean', default: true },
          expireAfterDays: { type: 'integer', default: 0 },
        },
      },
      outputs: ['bucketName', 'bucketArn'],
      environments: ['dev', 'prod'],
      terraform: {
        module: 'terraform-aws-modules/s3-bucket/aws',
        version: '~> 4.1',
      },
    },
  });
}

/** A team whose deployments the backend applies itself (`delivery: direct`), as a buffet document. */
export function directTeamConfig(
  name = 'team-labs',
  environments = ['dev', 'prod'],
) {
  return {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'TeamConfig',
    metadata: { name },
    spec: { environments, delivery: 'direct' },
  };
}
