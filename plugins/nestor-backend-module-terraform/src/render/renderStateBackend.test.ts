import path from 'node:path';
import { terraformEngineConfigSchema } from '../config/terraformEngineConfigSchema';
import { moduleSourceKind, resolveModuleSource } from './moduleSource';
import { renderStateBackend } from './renderStateBackend';

const deployment = { team: 'team-data', environment: 'prod', name: 'events' };
const backendOf = (stateBackend: unknown) =>
  terraformEngineConfigSchema.parse({ stateBackend }).stateBackend;

describe('renderStateBackend', () => {
  it('keeps a local state file per team, environment and deployment', () => {
    expect(
      renderStateBackend(
        backendOf({ type: 'local', directory: '/var/lib/nestor/tfstate' }),
        deployment,
      ),
    ).toBe(
      [
        'terraform {',
        '  backend "local" {',
        '    path = "/var/lib/nestor/tfstate/team-data/prod/events.tfstate"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(renderStateBackend(backendOf(undefined), deployment)).toContain(
      `path = ${JSON.stringify(
        path.resolve('.nestor/terraform-state/team-data/prod/events.tfstate'),
      )}`,
    );
  });

  it('keeps a Kubernetes Secret per deployment, in the cluster or through a kubeconfig', () => {
    expect(
      renderStateBackend(backendOf({ type: 'kubernetes' }), deployment),
    ).toBe(
      [
        'terraform {',
        '  backend "kubernetes" {',
        '    secret_suffix = "team-data-prod-events"',
        '    namespace = "nestor-terraform"',
        '    in_cluster_config = true',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(
      renderStateBackend(
        backendOf({
          type: 'kubernetes',
          namespace: 'tf',
          configPath: '/etc/nestor/kubeconfig',
        }),
        deployment,
      ),
    ).toContain(
      '    namespace = "tf"\n    config_path = "/etc/nestor/kubeconfig"\n  }',
    );
  });

  it('keeps an S3 object per deployment, locked through DynamoDB', () => {
    const backend = backendOf({
      type: 's3',
      bucket: 'acme-tfstate',
      region: 'eu-west-1',
      dynamodbTable: 'tf-locks',
      encrypt: false,
    });
    expect(renderStateBackend(backend, deployment)).toBe(
      [
        'terraform {',
        '  backend "s3" {',
        '    bucket = "acme-tfstate"',
        '    key = "nestor/team-data/prod/events/terraform.tfstate"',
        '    region = "eu-west-1"',
        '    dynamodb_table = "tf-locks"',
        '    encrypt = false',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes values as HCL strings that cannot open a template', () => {
    expect(
      renderStateBackend(
        backendOf({ type: 'local', directory: '/tmp/${evil}"' }),
        deployment,
      ),
    ).toContain('path = "/tmp/$${evil}\\"/team-data/prod/events.tfstate"');
  });
});

describe('module sources', () => {
  it('tells local, registry and remote sources apart', () => {
    expect(moduleSourceKind('./modules/bucket')).toBe('local');
    expect(moduleSourceKind('../shared/bucket')).toBe('local');
    expect(moduleSourceKind('/opt/modules/bucket')).toBe('local');
    expect(moduleSourceKind('terraform-aws-modules/s3-bucket/aws')).toBe(
      'registry',
    );
    expect(moduleSourceKind('app.terraform.io/acme/bucket/aws')).toBe(
      'registry',
    );
    expect(
      moduleSourceKind('terraform-aws-modules/vpc/aws//modules/vpc-endpoints'),
    ).toBe('registry');
    expect(
      moduleSourceKind(
        'git::https://git.example.com/modules.git//bucket?ref=v1.2.0',
      ),
    ).toBe('remote');
    expect(moduleSourceKind('github.com/acme/terraform-modules//bucket')).toBe(
      'remote',
    );
    expect(moduleSourceKind('https://example.com/bucket.zip')).toBe('remote');
  });

  it('makes local sources absolute against the modules folder for direct deployments', () => {
    expect(resolveModuleSource('./bucket', '/srv/modules')).toBe(
      '/srv/modules/bucket',
    );
    expect(
      resolveModuleSource(
        'terraform-aws-modules/s3-bucket/aws',
        '/srv/modules',
      ),
    ).toBe('terraform-aws-modules/s3-bucket/aws');
  });
});
