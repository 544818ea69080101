import { getHelmBinary } from '@nestor/test-utils';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';

const run = promisify(execFile);
const chart = path.resolve(__dirname, '../../../../deploy/helm/nestor');

async function template(...set: string[]) {
  const helm = (await getHelmBinary())!;
  const { stdout } = await run(helm, ['template', 'rel', chart, ...set.flatMap(s => ['--set', s])]);
  return YAML.parseAllDocuments(stdout)
    .map(d => d.toJSON())
    .filter(Boolean) as Array<{ kind: string; metadata: { name: string }; spec?: any; data?: any }>;
}

describe('deploy/helm/nestor', () => {
  it('passes helm lint', async () => {
    const helm = await getHelmBinary();
    const { stdout } = await run(helm!, ['lint', chart]);
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  }, 60000);

  it('renders a PostgreSQL-backed deployment with probes, HPA and PDB', async () => {
    const docs = await template();
    expect(docs.map(d => d.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
    const deployment = docs.find(d => d.kind === 'Deployment')!;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/.backstage/health/v1/readiness');
    expect(container.livenessProbe.httpGet.path).toBe('/.backstage/health/v1/liveness');
    expect(container.env).toContainEqual({
      name: 'POSTGRES_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'nestor-postgres', key: 'password' } },
    });
    const appConfig = YAML.parse(docs.find(d => d.kind === 'ConfigMap')!.data['app-config.chart.yaml']);
    expect(appConfig.backend.database.client).toBe('pg');
    expect(appConfig.events.useEventBus).toBe('always');
    expect(appConfig.nestor.storage.type).toBe('database');
  }, 60000);

  it('renders DynamoDB settings and a ServiceMonitor when asked', async () => {
    const docs = await template('storage.type=dynamodb', 'serviceMonitor.enabled=true', 'storage.dynamodb.tableName=prod-nestor');
    const appConfig = YAML.parse(docs.find(d => d.kind === 'ConfigMap')!.data['app-config.chart.yaml']);
    expect(appConfig.backend.database).toBeUndefined();
    expect(appConfig.nestor.storage).toEqual({
      type: 'dynamodb',
      dynamodb: { tableName: 'prod-nestor', region: 'eu-west-1', createTable: false },
    });
    const monitor = docs.find(d => d.kind === 'ServiceMonitor')!;
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
  }, 60000);

  it('refuses an unknown storage type with the reason', async () => {
    await expect(template('storage.type=mongodb')).rejects.toThrow(
      /storage.type must be database or dynamodb, got "mongodb"/,
    );
  }, 60000);
});
