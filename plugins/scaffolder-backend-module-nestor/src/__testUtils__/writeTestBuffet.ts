import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

const team = (name: string, grants: string[] = []) =>
  stringify({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'TeamConfig',
    metadata: { name },
    spec: { environments: ['dev', 'prod'], delivery: 'direct', quotas: { dev: { maxDeployments: 20 } }, grants },
  });

const item = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name, title: name, owner: 'team-platform', tags: ['test'], ...metadata },
    spec: { engine: 'test', environments: ['dev', 'prod'], visibility: { public: true }, outputs: ['host', 'port'], ...spec },
  });

/**
 * A buffet folder like the examples', served by the `test` engine: a VPC,
 * PostgreSQL (needs a VPC; `size` is an enum, `fail` makes the engine fail),
 * a web service, and teams platform, payments (grants checkout) and
 * checkout, delivering directly.
 */
export async function writeTestBuffet(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-scaffolder-'));
  await fs.mkdir(path.join(dir, 'resources'));
  await fs.mkdir(path.join(dir, 'teams'));
  const files: Record<string, string> = {
    'teams/team-platform.yaml': team('team-platform', ['team-payments', 'team-checkout']),
    'teams/team-payments.yaml': team('team-payments', ['team-checkout']),
    'teams/team-checkout.yaml': team('team-checkout'),
    'resources/network-vpc.yaml': item('network-vpc', {
      type: 'network.vpc',
      version: '1.2.0',
      parameters: { type: 'object', properties: { cidr: { type: 'string', default: '10.0.0.0/16' } } },
    }),
    'resources/postgres-database.yaml': item(
      'postgres-database',
      {
        type: 'database.postgresql',
        version: '1.4.0',
        requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
        parameters: {
          type: 'object',
          required: ['size'],
          properties: {
            size: { type: 'string', enum: ['small', 'medium', 'large'], default: 'small' },
            storageGb: { type: 'integer', minimum: 20, maximum: 2000, default: 50 },
            fail: { type: 'boolean', default: false },
          },
        },
        cost: { monthly: 120, currency: 'USD' },
      },
      { title: 'PostgreSQL database', tags: ['database', 'sql'] },
    ),
    'resources/web-service.yaml': item('web-service', {
      type: 'workload.web-service',
      version: '1.0.0',
      parameters: {
        type: 'object',
        required: ['image'],
        properties: { image: { type: 'string' }, replicas: { type: 'integer', minimum: 1, default: 2 } },
      },
    }),
  };
  for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(dir, file), content);
  return dir;
}
