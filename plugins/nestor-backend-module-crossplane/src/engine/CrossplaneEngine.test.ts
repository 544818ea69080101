import fs from 'node:fs';
import path from 'node:path';
import { formatDeploymentRef } from '@nestor/plugin-nestor-common';
import { EngineRenderContext, TransientEngineError } from '@nestor/plugin-nestor-node';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import { KubernetesClusters } from '@nestor/plugin-nestor-backend';
import { KubernetesTestServer, findUpstreamDir } from '@nestor/test-utils';
import YAML from 'yaml';
import { crdsForXrd } from '../__fixtures__/crdsForXrd';
import { loadFixtureDefinition } from '../__fixtures__/loadFixtureDefinition';
import { CrossplaneEngine } from './CrossplaneEngine';

// No cluster and no Crossplane run here. The cluster is the in-process API
// server of @nestor/test-utils (with the upstream Crossplane CRDs installed,
// so it validates what is applied), and this test does Crossplane's part:
// it turns the XRD into CRDs and sets the claim's conditions.
const upstream = findUpstreamDir();

function context(parameters: Record<string, unknown> = { size: 'small' }): EngineRenderContext {
  const base = createTestDeployment({ team: 'team-payments', environment: 'dev', name: 'orders-db', resource: 'postgres-database' });
  return {
    definition: loadFixtureDefinition('postgres-database'),
    deployment: { ...base, engine: 'crossplane', delivery: 'direct', ref: formatDeploymentRef(base), version: 0 },
    parameters,
    dependencyOutputs: {},
    namespace: 'team-payments-dev',
  };
}

describe('CrossplaneEngine', () => {
  let server: KubernetesTestServer;
  let target: { cluster: string; kubernetes: ReturnType<KubernetesClusters['get']> };
  const claimRef = { apiVersion: 'platform.example.org/v1alpha1', kind: 'PostgresDatabase', name: 'orders-db', namespace: 'team-payments-dev' };

  beforeEach(async () => {
    server = await KubernetesTestServer.start();
    if (upstream) {
      for (const file of ['apiextensions.crossplane.io_compositeresourcedefinitions.yaml', 'apiextensions.crossplane.io_compositions.yaml']) {
        server.installCrd(YAML.parse(fs.readFileSync(path.join(upstream, 'crossplane', file), 'utf8')));
      }
    } else {
      // eslint-disable-next-line no-console
      console.warn('../shared/upstream is absent: the test server serves XRDs and Compositions without their upstream schemas');
      server.registerResource({ group: 'apiextensions.crossplane.io', version: 'v1', kind: 'CompositeResourceDefinition', plural: 'compositeresourcedefinitions', namespaced: false, statusSubresource: true });
      server.registerResource({ group: 'apiextensions.crossplane.io', version: 'v1', kind: 'Composition', plural: 'compositions', namespaced: false, statusSubresource: false });
    }
    const clusters = KubernetesClusters.create({ clusters: [{ name: 'dev', url: server.url, skipTLSVerify: true }] });
    target = { cluster: 'dev', kubernetes: clusters.get('dev') };
  });
  afterEach(() => server.stop());

  it('validates buffet items: a pipeline is needed, and parameters must fit a structural schema', async () => {
    const engine = CrossplaneEngine.create();
    const good = loadFixtureDefinition('postgres-database');
    expect(await engine.validate(good)).toEqual([]);
    const bad = structuredClone(good);
    bad.spec.crossplane!.composition = {};
    bad.spec.parameters = { type: 'object', properties: { any: {} } };
    expect(await engine.validate(bad)).toEqual([
      { field: 'spec.parameters.properties.any', message: expect.stringContaining('needs a type') },
      { field: 'crossplane.composition.functions', message: expect.stringContaining('a pipeline step is required') },
    ]);
    const withDefault = CrossplaneEngine.create({ defaultPipeline: [{ step: 'auto-ready', functionRef: { name: 'function-auto-ready' } }] });
    expect((await withDefault.validate(bad)).map(i => i.field)).toEqual(['spec.parameters.properties.any']);
    await expect(engine.render({ ...context(), definition: bad })).rejects.toThrow('a pipeline step is required');
  });

  it('applies the XRD, the Composition and the claim directly, and follows the claim to Ready', async () => {
    const engine = CrossplaneEngine.create();
    const ctx = context({ size: 'medium', storageGb: 50 });
    const rendered = await engine.render(ctx);

    // the claim's kind exists only once Crossplane has processed the XRD: a transient error
    const early = await engine.apply(ctx, rendered, target).catch(e => e);
    expect(early).toBeInstanceOf(TransientEngineError);
    const xrd = server.getObject('apiextensions.crossplane.io/v1', 'CompositeResourceDefinition', 'xpostgresdatabases.platform.example.org');
    expect(xrd?.spec.claimNames.kind).toBe('PostgresDatabase');
    expect(server.getObject('apiextensions.crossplane.io/v1', 'Composition', 'postgres-database.platform.example.org')).toBeDefined();

    // Crossplane's part: the XRD becomes CRDs
    for (const crd of crdsForXrd(xrd!)) server.installCrd(crd);
    await engine.apply(ctx, rendered, target);
    const claim = server.getObject(claimRef.apiVersion, claimRef.kind, claimRef.name, claimRef.namespace)!;
    expect(claim.spec.parameters).toEqual({ size: 'medium', storageGb: 50 });
    expect(claim.metadata.labels['nestor.io/team']).toBe('team-payments');

    expect((await engine.status(ctx, target)).phase).toBe('Syncing');
    server.patchStatus(claimRef, {
      conditions: [
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    });
    const creating = await engine.status(ctx, target);
    expect(creating).toMatchObject({ phase: 'Syncing', message: 'Ready=False (Creating)' });

    server.applyObject(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db-connection', namespace: 'team-payments-dev' }, data: { password: 'cHc=', port: 'NTQzMg==' } },
      'crossplane',
    );
    server.patchStatus(claimRef, {
      host: 'orders-db.internal',
      conditions: [
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2026-01-01T00:01:00Z' },
      ],
    });
    const ready = await engine.status(ctx, target);
    expect(ready.phase).toBe('Ready');
    expect(ready.outputs).toEqual({
      host: 'orders-db.internal',
      port: { secretRef: { name: 'orders-db-connection', namespace: 'team-payments-dev', key: 'port' } },
      password: { secretRef: { name: 'orders-db-connection', namespace: 'team-payments-dev', key: 'password' } },
    });

    await engine.destroy(ctx, target);
    expect(server.getObject(claimRef.apiVersion, claimRef.kind, claimRef.name, claimRef.namespace)).toBeUndefined();
  });

  it('reports the missing cluster instead of a phase when none is configured, and refuses direct mode without one', async () => {
    const engine = CrossplaneEngine.create();
    const status = await engine.status(context(), {});
    expect(status.phase).toBeUndefined();
    expect(status.conditions[0]).toMatchObject({ reason: 'NoCluster' });
    await expect(engine.apply(context(), await engine.render(context()), {})).rejects.toThrow('needs a Kubernetes cluster for environment "dev"');
  });
});
