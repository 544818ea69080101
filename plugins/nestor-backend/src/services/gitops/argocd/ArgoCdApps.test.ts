import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ArgoCdSwaggerValidator, ArgoCdTestServer, findUpstreamDir, UpstreamCrdValidator } from '@nestor/test-utils';
import { Deployment, GitopsTarget } from '@nestor/plugin-nestor-common';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { ArgoCdApps } from './ArgoCdApps';

const upstream = findUpstreamDir();
const describeWithSwagger = upstream ? describe : describe.skip;
if (!upstream) console.warn('Skipping Argo CD client tests: ../shared/upstream (Argo CD swagger) is absent');

// Argo CD cannot run here: an in-process test server answers the endpoints
// the client uses, and every answer is checked against Argo CD's swagger.
describeWithSwagger('ArgoCdApps on the Argo CD test server', () => {
  let server: ArgoCdTestServer;
  const invalid: string[] = [];
  const target: GitopsTarget = { repo: 'https://git.example.com/acme/infra.git', branch: 'main', path: 'nestor', strategy: 'direct' };
  const deployment = { team: 'team-a', environment: 'dev', ref: 'team-a/dev/orders-db' } as Deployment;

  beforeEach(async () => {
    server = await ArgoCdTestServer.start({ token: 'argo-token' });
    const validator = ArgoCdSwaggerValidator.fromUpstream(upstream!);
    server.onResponse = (definition, body) => invalid.push(...validator.errors(definition, body).map(e => `${definition}: ${e}`));
  });
  afterEach(async () => {
    await server.stop();
    // eslint-disable-next-line jest/no-standalone-expect
    expect(invalid.splice(0)).toEqual([]);
  });

  const apps = (token = 'argo-token') =>
    ArgoCdApps.create({ instances: [{ name: 'main', url: server.url, token, project: 'platform' }], clientOptions: { backoffMs: 1, retries: 2 } });

  it('creates the team/environment app-of-apps once, triggers one sync per commit, and is Ready on Synced/Healthy', async () => {
    const a = apps();
    const first = await a.status(deployment, target, 'c1');
    expect(first).toMatchObject({ phase: 'Syncing', app: 'nestor-team-a-dev', health: 'Progressing' });
    const app = server.apps.get('nestor-team-a-dev')!;
    expect(app.spec).toEqual({
      project: 'platform',
      source: { repoURL: target.repo, targetRevision: 'main', path: 'nestor/dev', directory: { recurse: true, exclude: '*/chart/*' } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a-dev' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    await a.status(deployment, target, 'c1');
    expect(server.requests.filter(r => r.path.endsWith('/sync'))).toHaveLength(1);
    expect(server.requests.filter(r => r.method === 'POST' && r.path === '/api/v1/applications')).toHaveLength(1);

    server.setStatus('nestor-team-a-dev', { sync: 'Synced', health: 'Healthy', revision: 'c1' });
    const ready = await a.status(deployment, target, 'c1');
    expect(ready).toMatchObject({ phase: 'Ready', sync: 'Synced', health: 'Healthy' });
    expect(ready!.conditions.map(c => [c.type, c.status])).toEqual([
      ['ArgoCdSynced', 'True'],
      ['ArgoCdHealthy', 'True'],
    ]);
    await a.status(deployment, target, 'c2');
    expect(server.requests.filter(r => r.path.endsWith('/sync'))).toHaveLength(2);
  });

  it("leaves the Helm engine's wrapper charts out of the recursive directory source, with a field of the upstream Application schema", async () => {
    const desired = apps().desiredApp(apps().clients()[0], target, 'team-a', 'dev');
    const directory = desired.spec.source.directory!;
    // the field exists upstream, as a string: in the CRD and in the API's swagger
    const crd = YAML.parse(fs.readFileSync(path.join(upstream!, 'argo-cd/application-crd.yaml'), 'utf8'));
    const schema = crd.spec.versions.find((v: { name: string }) => v.name === 'v1alpha1').schema.openAPIV3Schema;
    expect(schema.properties.spec.properties.source.properties.directory.properties.exclude.type).toBe('string');
    expect(UpstreamCrdValidator.load(upstream!, ['argo-cd/application-crd.yaml']).validate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...desired })).toEqual([]);
    const swagger = JSON.parse(fs.readFileSync(path.join(upstream!, 'argo-cd/swagger.json'), 'utf8'));
    expect(swagger.definitions.v1alpha1ApplicationSourceDirectory.properties.exclude.type).toBe('string');

    // Argo CD matches each file's path under the source path (nestor/dev) with gobwas/glob, no
    // separators: '*' matches any characters, '/' included; '{a,b}' are alternatives
    const argoGlob = (pattern: string) =>
      new RegExp(`^${pattern.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\{([^}]*)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`)}$`);
    const excluded = (file: string) => argoGlob(directory.exclude!).test(file);
    // what the Helm engine commits for an item with a wrapper chart
    expect(['site/chart/Chart.yaml', 'site/chart/values.yaml', 'site/chart/values-dev.yaml', 'site/chart/templates/deployment.yaml'].filter(excluded)).toHaveLength(4);
    expect(['site/application.yaml', 'orders-db/claim.yaml', 'orders-db/charts.yaml', 'chart-museum/application.yaml', 'site/values/chart.yaml', 'chart/application.yaml'].filter(excluded)).toEqual([]);
    expect(directory.recurse).toBe(true);
  });

  it('reports Failed with the health message when the app is Degraded', async () => {
    const a = apps();
    await a.status(deployment, target, 'c1');
    server.setStatus('nestor-team-a-dev', { sync: 'Synced', health: 'Degraded', message: 'Deployment orders-db exceeded its progress deadline' });
    const status = await a.status(deployment, target, 'c1');
    expect(status).toMatchObject({ phase: 'Failed', health: 'Degraded' });
    expect(status!.message).toContain('exceeded its progress deadline');
  });

  it('updates the app when the team target changes, reads the resource tree', async () => {
    const a = apps();
    await a.status(deployment, target, 'c1');
    await a.status(deployment, { ...target, path: 'gitops', argocd: { namespace: 'payments' } }, 'c2');
    expect(server.apps.get('nestor-team-a-dev')!.spec).toMatchObject({ source: { path: 'gitops/dev' }, destination: { namespace: 'payments' } });
    server.trees.set('nestor-team-a-dev', [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'payments', name: 'orders', uid: 'u1' }]);
    expect(await a.clients()[0].resourceTree('nestor-team-a-dev')).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'orders' })]);
  });

  it('retries 5xx answers with backoff, fails fast on a refused token, and opens the circuit after repeated failures', async () => {
    const a = apps();
    server.failNext.push(503, 502);
    expect(await a.status(deployment, target, 'c1')).toMatchObject({ phase: 'Syncing' });

    const refused = await apps('wrong').status(deployment, target, 'c1').catch(e => e);
    expect(refused).not.toBeInstanceOf(TransientEngineError);
    expect(refused.message).toContain('answered 401');

    const broken = apps();
    server.failNext.push(...Array(20).fill(503));
    for (let i = 0; i < 2; i++) expect(await broken.status(deployment, target, 'c1').catch(e => e)).toBeInstanceOf(TransientEngineError);
    const before = server.requests.length;
    const open = await broken.status(deployment, target, 'c1').catch(e => e);
    expect(open.message).toContain('circuit open');
    expect(server.requests.length).toBe(before);
    expect(broken.clients()[0].circuitOpen).toBe(true);
    server.failNext.splice(0);
  });
});
