import fs from 'node:fs';
import path from 'node:path';
import { KubernetesClusters } from '@nestor/plugin-nestor-backend';
import { EngineTarget, readArtifactObjects } from '@nestor/plugin-nestor-node';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import { KubernetesTestServer, UpstreamCrdValidator, findUpstreamDir, readExampleResources } from '@nestor/test-utils';
import YAML from 'yaml';
import { upstreamChartDefinition, wrapperChartDefinition } from './__fixtures__/helmDefinitions';
import { helmEngineConfigSchema } from './config/helmEngineConfigSchema';
import { HelmEngine } from './HelmEngine';

const upstream = findUpstreamDir();
const CRD_FILES = ['argo-cd/application-crd.yaml', 'helm-controller/helm.toolkit.fluxcd.io_helmreleases.yaml'];
const validator = upstream ? UpstreamCrdValidator.load(upstream, CRD_FILES) : undefined;
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn('../shared/upstream is absent: rendered objects are not checked against the upstream CRDs');
}

/** Every rendered object that has an upstream CRD must validate against it. */
function expectValidObjects(artifacts: Parameters<typeof readArtifactObjects>[0]) {
  const objects = readArtifactObjects(artifacts);
  for (const object of objects.filter(o => o.kind !== 'HelmRepository')) {
    expect({ kind: object.kind, errors: validator?.validate(object) ?? [] }).toEqual({ kind: object.kind, errors: [] });
  }
  return objects;
}

const argocd = HelmEngine.create({ config: helmEngineConfigSchema.parse({}) });
const flux = HelmEngine.create({ config: helmEngineConfigSchema.parse({ mode: 'flux' }) });

describe('HelmEngine', () => {
  describe('validate', () => {
    it('accepts the fixtures', async () => {
      expect(await argocd.validate(upstreamChartDefinition())).toEqual([]);
      expect(await argocd.validate(wrapperChartDefinition())).toEqual([]);
    });

    it('names environments the item does not have, bad wrapper charts and unknown references', async () => {
      const definition = wrapperChartDefinition();
      (definition.spec.parameters as { properties: Record<string, object> }).properties.note = { type: 'string' };
      definition.spec.helm = {
        ...definition.spec.helm!,
        chart: 'Static_Site',
        version: 'v2',
        values: { a: '${replicas}', b: '${replica}', c: '${greeting.text}', d: '${note}' },
        environmentValues: { staging: { x: 1 } },
      };
      expect(await argocd.validate(definition)).toEqual([
        { field: 'spec.helm.environmentValues.staging', message: '"staging" is not one of the item\'s environments (dev, prod)' },
        { field: 'spec.helm.chart', message: 'a wrapper chart name must be a DNS-1123 label (lower case letters, digits and "-")' },
        { field: 'spec.helm.version', message: 'a wrapper chart version must be a semantic version such as 1.0.0' },
        { field: 'spec.helm.values', message: '${replica}: "replica" names no parameter (parameters: greeting, replicas, note); write $${...} for a literal' },
        { field: 'spec.helm.values', message: '${greeting.text}: parameter "greeting" is of type string: it has no field "text"' },
        // an order without it would hand Helm a literal ${note}
        { field: 'spec.helm.values', message: '${note}: parameter "note" is optional without a default, so an order may leave it out; make it required or give it a default' },
      ]);
    });

    it('needs a helm block', async () => {
      const definition = upstreamChartDefinition();
      delete definition.spec.helm;
      expect(await argocd.validate(definition)).toEqual([{ field: 'spec.helm', message: 'the helm engine needs a spec.helm block' }]);
    });
  });

  describe('render with Argo CD', () => {
    it('accepts the Helm items of examples/resources and renders them valid upstream, in both modes', async () => {
      const items = readExampleResources('helm');
      expect(items.map(i => i.metadata.name)).toEqual(['redis-cache', 'web-service']);
      const orders: Record<string, Record<string, unknown>> = { 'redis-cache': {}, 'web-service': { image: 'ghcr.io/acme/web:1.0.0' } };
      for (const definition of items) {
        const name = definition.metadata.name;
        expect({ name, issues: await argocd.validate(definition) }).toEqual({ name, issues: [] });
        const properties = (definition.spec.parameters as { properties: Record<string, { default?: unknown }> }).properties;
        const defaults = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, property.default]));
        const context = createTestRenderContext({ definition, environment: 'prod', name, parameters: { ...defaults, ...orders[name] } });
        for (const engine of [argocd, flux]) {
          const objects = expectValidObjects((await engine.render(context)).artifacts);
          // every parameter reference was resolved
          expect({ name, unresolved: JSON.stringify(objects).match(/(?<!\$)\$\{[^}]*\}/g) }).toEqual({ name, unresolved: null });
        }
      }
    });

    it('renders an Application with the upstream chart and the values of the environment and order', async () => {
      const context = createTestRenderContext({
        definition: upstreamChartDefinition(),
        team: 'team-payments',
        environment: 'prod',
        name: 'orders-api',
        parameters: { image: 'ghcr.io/acme/orders', logLevel: 'debug' },
      });
      const { artifacts, platformArtifacts } = await argocd.render(context);
      expect(platformArtifacts).toBeUndefined();
      expect(artifacts.map(a => a.path)).toEqual(['application.yaml']);
      const [application] = expectValidObjects(artifacts);
      expect(application.metadata).toMatchObject({
        name: 'team-payments-prod-orders-api',
        namespace: 'argocd',
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
        labels: { 'nestor.io/team': 'team-payments', 'nestor.io/environment': 'prod', 'nestor.io/deployment': 'orders-api' },
      });
      expect(application.spec).toEqual({
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'team-payments-prod' },
        source: {
          repoURL: 'ghcr.io/stefanprodan/charts',
          chart: 'podinfo',
          targetRevision: '6.7.1',
          helm: {
            releaseName: 'orders-api',
            valuesObject: {
              replicaCount: 2,
              image: { repository: 'ghcr.io/acme/orders' },
              ui: { message: 'cost ${ANNUAL}' },
              hpa: { enabled: true, maxReplicas: 10 },
              logLevel: 'debug',
            },
          },
        },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      });
    });

    it('keeps environments apart and follows the per-environment destination and project template', async () => {
      const engine = HelmEngine.create({
        config: helmEngineConfigSchema.parse({ argocd: { project: '{team}-{environment}', environments: { prod: { name: 'prod-cluster' } }, automated: false } }),
      });
      const definition = upstreamChartDefinition();
      const [dev] = readArtifactObjects((await engine.render(createTestRenderContext({ definition, environment: 'dev', parameters: { image: 'x' } }))).artifacts);
      const [prod] = readArtifactObjects((await engine.render(createTestRenderContext({ definition, environment: 'prod', parameters: { image: 'x' } }))).artifacts);
      expect((dev.spec as any).source.helm.valuesObject.hpa).toBeUndefined();
      expect((prod.spec as any).source.helm.valuesObject.hpa).toEqual({ enabled: true, maxReplicas: 10 });
      expect((dev.spec as any).destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'team-a-dev' });
      expect((prod.spec as any).destination).toEqual({ name: 'prod-cluster', namespace: 'team-a-prod' });
      expect((prod.spec as any).project).toBe('team-a-prod');
      expect((prod.spec as any).syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true'] });
      expect(validator?.validate(prod) ?? []).toEqual([]);
    });

    it('points the Application at the generated wrapper chart in the GitOps repository', async () => {
      const context = createTestRenderContext({ definition: wrapperChartDefinition(), environment: 'prod', name: 'site', parameters: { greeting: 'hi' } });
      const { artifacts } = await argocd.render(context);
      expect(artifacts.map(a => a.path)).toEqual([
        'chart/Chart.yaml',
        'chart/values.yaml',
        'chart/values-dev.yaml',
        'chart/values-prod.yaml',
        'chart/templates/configmap.yaml',
        'chart/templates/deployment.yaml',
        'chart/templates/service.yaml',
        'application.yaml',
      ]);
      const [application] = expectValidObjects(artifacts);
      expect((application.spec as any).source).toEqual({
        repoURL: 'https://git.example.com/team-a/infra.git',
        targetRevision: 'main',
        path: 'nestor/prod/site/chart',
        helm: { releaseName: 'site', valueFiles: ['values.yaml', 'values-prod.yaml'], valuesObject: { greeting: 'hi' } },
      });
      const file = (p: string) => artifacts.find(a => a.path === p)!.content;
      expect(YAML.parse(file('chart/Chart.yaml'))).toMatchObject({ apiVersion: 'v2', name: 'static-site', version: '2.1.0', appVersion: '2.1.0' });
      expect(YAML.parse(file('chart/values.yaml'))).toEqual({ replicas: 1, image: 'nginx:1.27', page: { title: 'Welcome' } });
      expect(YAML.parse(file('chart/values-prod.yaml'))).toEqual({ page: { title: 'Welcome to production' } });
      expect(YAML.parse(file('chart/values-dev.yaml'))).toEqual({});
      expect(YAML.parse(file('chart/templates/service.yaml'))).toMatchObject({ kind: 'Service', metadata: { name: 'site' } });
    });

    it('refuses a wrapper chart without GitOps delivery, saying why', async () => {
      const context = createTestRenderContext({ definition: wrapperChartDefinition(), delivery: 'direct', gitops: false });
      await expect(argocd.render(context)).rejects.toThrow(
        'static-site is a generated wrapper chart, which Argo CD and Flux read from Git: deployment team-a/dev/my-deployment needs GitOps delivery',
      );
    });
  });

  describe('render with Flux', () => {
    it('renders a HelmRelease and the HelmRepository of an upstream OCI chart', async () => {
      const context = createTestRenderContext({ definition: upstreamChartDefinition(), name: 'orders-api', parameters: { image: 'img' } });
      const { artifacts } = await flux.render(context);
      expect(artifacts.map(a => a.path)).toEqual(['helmrepository.yaml', 'helmrelease.yaml']);
      const [repository, release] = expectValidObjects(artifacts);
      // the HelmRepository CRD is not among ../shared/upstream: its shape is checked here
      expect(repository).toMatchObject({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        metadata: { name: 'orders-api-charts', namespace: 'team-a-dev' },
        spec: { url: 'oci://ghcr.io/stefanprodan/charts', type: 'oci', interval: '10m' },
      });
      expect(release.spec).toEqual({
        interval: '10m',
        releaseName: 'orders-api',
        chart: { spec: { chart: 'podinfo', version: '6.7.1', sourceRef: { kind: 'HelmRepository', name: 'orders-api-charts' }, interval: '10m' } },
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        driftDetection: { mode: 'enabled' },
        values: { replicaCount: 2, image: { repository: 'img' }, ui: { message: 'cost ${ANNUAL}' }, logLevel: 'info' },
      });
    });

    it('reads a wrapper chart from the GitOps repository with its values files', async () => {
      const context = createTestRenderContext({ definition: wrapperChartDefinition(), name: 'site' });
      const { artifacts } = await flux.render(context);
      const [release] = expectValidObjects(artifacts);
      expect((release.spec as any).chart.spec).toEqual({
        chart: './nestor/dev/site/chart',
        sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
        valuesFiles: ['./nestor/dev/site/chart/values.yaml', './nestor/dev/site/chart/values-dev.yaml'],
        reconcileStrategy: 'Revision',
        interval: '10m',
      });
      expect((release.spec as any).values).toEqual({ greeting: 'hello' });
    });
  });

  describe('on a cluster', () => {
    // No cluster, Argo CD or Flux run here: the cluster is the in-process API
    // server of @nestor/test-utils, reached over HTTP by the backend's client,
    // with the upstream CRDs installed; the test plays the controllers' part.
    let server: KubernetesTestServer;
    let target: EngineTarget;

    beforeEach(async () => {
      server = await KubernetesTestServer.start();
      for (const file of CRD_FILES) {
        if (upstream) server.installCrd(YAML.parse(fs.readFileSync(path.join(upstream, file), 'utf8')));
      }
      if (!upstream) {
        server.registerResource({ group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications', namespaced: true, statusSubresource: false });
        server.registerResource({ group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', plural: 'helmreleases', namespaced: true, statusSubresource: true });
      }
      server.registerResource({ group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository', plural: 'helmrepositories', namespaced: true, statusSubresource: true });
      const clusters = KubernetesClusters.create({ clusters: [{ name: 'dev', url: server.url, skipTLSVerify: true }] });
      target = { cluster: 'dev', kubernetes: clusters.get('dev') };
    });
    afterEach(() => server.stop());

    const appRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'team-a-dev-orders-api', namespace: 'argocd' };

    it('applies the Application directly and follows Argo CD to Ready, with outputs', async () => {
      const context = createTestRenderContext({ definition: upstreamChartDefinition(), name: 'orders-api', delivery: 'direct', gitops: false, parameters: { image: 'img' } });
      await argocd.apply(context, await argocd.render(context), target);
      expect(server.getObject(appRef.apiVersion, appRef.kind, appRef.name, appRef.namespace)?.spec.source.chart).toBe('podinfo');

      expect(await argocd.status(context, target)).toMatchObject({ phase: 'Syncing', message: 'Application is unknown and unknown' });
      const setStatus = (status: Record<string, unknown>) => {
        const app = server.getObject(appRef.apiVersion, appRef.kind, appRef.name, appRef.namespace)!;
        server.applyObject({ apiVersion: app.apiVersion, kind: app.kind, metadata: { name: app.metadata.name, namespace: 'argocd' }, status }, 'argocd-application-controller');
      };
      const comparedTo = (targetRevision: string) => ({
        destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a-dev' },
        source: { repoURL: 'ghcr.io/stefanprodan/charts', chart: 'podinfo', targetRevision },
      });
      setStatus({ sync: { status: 'OutOfSync', comparedTo: comparedTo('6.7.0') }, health: { status: 'Healthy' } });
      expect((await argocd.status(context, target)).message).toBe('Argo CD has not compared revision 6.7.1 yet (last compared 6.7.0)');

      setStatus({ sync: { status: 'Synced', revision: '6.7.1', comparedTo: comparedTo('6.7.1') }, health: { status: 'Progressing', message: 'Waiting for rollout' } });
      const progressing = await argocd.status(context, target);
      expect(progressing.phase).toBe('Syncing');
      expect(progressing.conditions.find(c => c.type === 'Healthy')).toMatchObject({ status: 'False', reason: 'Progressing', message: 'Waiting for rollout' });

      setStatus({ sync: { status: 'Synced', revision: '6.7.1', comparedTo: comparedTo('6.7.1') }, health: { status: 'Healthy' } });
      const ready = await argocd.status(context, target);
      expect(ready.phase).toBe('Ready');
      expect(ready.outputs).toEqual({ release: 'orders-api', namespace: 'team-a-dev', url: 'http://orders-api-podinfo.team-a-dev.svc:9898' });
      expect(ready.conditions.map(c => `${c.type}=${c.status}`)).toEqual(['Synced=True', 'Healthy=True']);

      await argocd.destroy(context, target);
      // the finalizer holds the Application until Argo CD has uninstalled the release
      expect(server.getObject(appRef.apiVersion, appRef.kind, appRef.name, appRef.namespace)?.metadata.deletionTimestamp).toBeDefined();
      expect(await argocd.status(context, target)).toMatchObject({ phase: 'Syncing', message: 'Application is being deleted' });
      server.removeFinalizers(appRef);
      expect(server.getObject(appRef.apiVersion, appRef.kind, appRef.name, appRef.namespace)).toBeUndefined();
    });

    it('fails when the sync operation fails, with Argo CD\'s message and conditions', async () => {
      const context = createTestRenderContext({ definition: upstreamChartDefinition(), name: 'orders-api', delivery: 'direct', gitops: false, parameters: { image: 'img' } });
      await argocd.apply(context, await argocd.render(context), target);
      server.applyObject(
        {
          apiVersion: appRef.apiVersion,
          kind: 'Application',
          metadata: { name: appRef.name, namespace: 'argocd' },
          status: {
            sync: { status: 'OutOfSync' },
            health: { status: 'Missing' },
            operationState: {
              operation: { sync: { revision: '6.7.1' } },
              startedAt: '2026-01-01T00:00:00Z',
              phase: 'Failed',
              message: 'one or more objects failed to apply: Deployment.apps "orders-api" is invalid',
            },
            conditions: [{ type: 'SyncError', message: 'Failed sync attempt to 6.7.1', lastTransitionTime: '2026-01-01T00:00:00Z' }],
          },
        },
        'argocd-application-controller',
      );
      const failed = await argocd.status(context, target);
      expect(failed.phase).toBe('Failed');
      expect(failed.message).toBe('one or more objects failed to apply: Deployment.apps "orders-api" is invalid');
      expect(failed.conditions).toContainEqual({ type: 'SyncError', status: 'True', reason: 'SyncError', message: 'Failed sync attempt to 6.7.1', lastTransitionTime: '2026-01-01T00:00:00Z' });
    });

    it('follows a Flux HelmRelease through its conditions', async () => {
      const context = createTestRenderContext({ definition: upstreamChartDefinition(), name: 'orders-api', delivery: 'direct', gitops: false, parameters: { image: 'img' } });
      await flux.apply(context, await flux.render(context), target);
      const ref = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'orders-api', namespace: 'team-a-dev' };
      expect(server.getObject('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'orders-api-charts', 'team-a-dev')).toBeDefined();
      expect((await flux.status(context, target)).phase).toBe('Syncing');
      const generation = server.getObject(ref.apiVersion, ref.kind, ref.name, ref.namespace)!.metadata.generation;
      server.patchStatus(ref, {
        observedGeneration: generation,
        conditions: [
          { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'context deadline exceeded', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: generation },
          { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to install after 3 attempts', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: generation },
        ],
      });
      expect(await flux.status(context, target)).toMatchObject({ phase: 'Failed', message: 'Failed to install after 3 attempts' });
      server.patchStatus(ref, {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded', lastTransitionTime: '2026-01-01T00:05:00Z', observedGeneration: generation },
        ],
      });
      expect(await flux.status(context, target)).toMatchObject({ phase: 'Ready', outputs: { release: 'orders-api' } });
    });

    it('reports a missing cluster as a condition, and leaves GitOps objects to Git on destroy', async () => {
      const context = createTestRenderContext({ definition: upstreamChartDefinition(), parameters: { image: 'img' } });
      expect(await argocd.status(context, {})).toMatchObject({ conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NoCluster' }] });
      await expect(argocd.apply(context, await argocd.render(context), {})).rejects.toThrow('needs a Kubernetes cluster for environment "dev"');
      server.applyObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } }, 'test');
      await argocd.apply(context, await argocd.render(context), target);
      await argocd.destroy(context, target);
      expect(server.listObjects('argoproj.io/v1alpha1', 'Application', 'argocd')).toHaveLength(1);
    });
  });
});
