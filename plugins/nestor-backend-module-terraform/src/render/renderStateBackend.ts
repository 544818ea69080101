import { Deployment } from '@nestor/plugin-nestor-common';
import path from 'node:path';
import { TerraformStateBackend } from '../config/terraformEngineConfigSchema';
import { hclString } from './renderRootModule';

/**
 * The `backend` block of a direct deployment's state: a local file, a
 * Kubernetes Secret, or an S3 object locked through DynamoDB, each keyed by
 * team, environment and deployment.
 * @public
 */
export function renderStateBackend(
  backend: TerraformStateBackend,
  deployment: Pick<Deployment, 'team' | 'environment' | 'name'>,
): string {
  const { team, environment, name } = deployment;
  const settings: Array<[string, string | boolean]> = [];
  let type: string;
  switch (backend.type) {
    case 'local':
      type = 'local';
      settings.push([
        'path',
        path.resolve(backend.directory, team, environment, `${name}.tfstate`),
      ]);
      break;
    case 'kubernetes':
      type = 'kubernetes';
      settings.push(
        ['secret_suffix', `${team}-${environment}-${name}`],
        ['namespace', backend.namespace],
      );
      if (backend.configPath)
        settings.push(['config_path', backend.configPath]);
      else settings.push(['in_cluster_config', backend.inClusterConfig]);
      break;
    case 's3':
      type = 's3';
      settings.push(
        ['bucket', backend.bucket],
        [
          'key',
          `${backend.keyPrefix}/${team}/${environment}/${name}/terraform.tfstate`,
        ],
        ['region', backend.region],
        ['dynamodb_table', backend.dynamodbTable],
        ['encrypt', backend.encrypt],
      );
      break;
    default:
      throw new Error(
        `unknown state backend ${(backend as { type: string }).type}`,
      );
  }
  const body = settings.map(
    ([key, value]) =>
      `    ${key} = ${typeof value === 'boolean' ? value : hclString(value)}`,
  );
  return [
    `terraform {`,
    `  backend ${hclString(type)} {`,
    ...body,
    '  }',
    '}',
    '',
  ].join('\n');
}
