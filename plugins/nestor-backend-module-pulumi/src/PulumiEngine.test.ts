import fs from 'node:fs';
import path from 'node:path';
import { KubernetesClusters } from '@nestor/plugin-nestor-backend';
import { EngineTarget, readArtifactObjects } from '@nestor/plugin-nestor-node';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import { KubernetesTestServer, UpstreamCrdValidator, findUpstreamDir, readExampleResources } from '@nestor/test-utils';
import YAML from 'yaml';
import { namespaceDefinition } from './__fixtures__/pulumiDefinitions';
import { pulumiEngineConfigSchema } from './config/pulumiEngineConfigSchema';
import { PulumiEngine } from './PulumiEngine';

const upstream = findUpstreamDir();
const CRD_FILES = ['pulumi-kubernetes-operator/pulumi.com_programs.yaml', 'pulumi-kubernetes-operator/pulumi.com_stacks.yaml'];
const validator = upstream ? UpstreamCrdValidator.load(upstream, CRD_FILES) : undefined;
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn('../shared/upstream is absent: rendered Programs and Stacks are not checked against the upstream CRDs');
}

const engine = PulumiEngine.create({ config: pulumiEngineConfigSchema.parse({}) });

function context(overrides: Partial<Parameters<typeof createTestRenderContext>[0]> = {}) {
  return createTestRenderContext({
    definition: namespaceDefinition(),
    team: 'team-data',
    environment: 'prod',
    name: 'analytics-ns',
    parameters: { namespaceName: 'analytics', cpuCores: 16 },
    ...overrides,
  });
}

describe('PulumiEngine', () => {
  describe('validate', () => {
    it('accepts an item whose references all resolve', async () => {
      expect(await engine.validate(namespaceDefinition())).toEqual([]);
    });

    it('names unknown references, ambiguous names, missing outputs and untyped resources', async () => {
      const definition = namespaceDefinition();
      const program = definition.spec.pulumi!.program;
      program.resources!.cpuCores = { properties: {} };
      program.outputs = { host: '${nss.metadata.name}' };
      expect(await engine.validate(definition)).toEqual([
        { field: 'spec.pulumi.program.resources.cpuCores.type', message: 'every resource needs a type token such as aws:s3:Bucket' },
        { field: 'spec.pulumi.program', message: 'parameter "cpuCores" has the name of a resource of the program: rename one of them' },
        {
          field: 'spec.pulumi.program.outputs',
          message:
            '${nss.metadata.name}: "nss" names no parameter, resource, variable or configuration key (parameters: namespaceName, cpuCores, memoryGi, labels); write $${...} for a literal',
        },
        { field: 'spec.pulumi.program.outputs', message: 'the item declares the output "namespace", which the program does not export' },
      ]);
    });

    it('accepts nested parameter references and names parameters an order may leave out, so a valid order always resolves', async () => {
      const definition = namespaceDefinition();
      const parameters = definition.spec.parameters as { properties: Record<string, object> };
      parameters.properties.owner = { type: 'string' };
      parameters.properties.limits = { type: 'object', required: ['pods'], properties: { pods: { type: 'integer' }, services: { type: 'integer' } } };
      const program = definition.spec.pulumi!.program;
      program.resources!.ns.properties = { metadata: { name: '${namespaceName}', labels: { tier: '${labels.tier}', owner: '${owner}' } } };
      program.resources!.quota.properties = { spec: { hard: { pods: '${limits.pods}', services: '${limits.services}' } } };
      definition.spec.pulumi!.config = { 'kubernetes:namespace': '${ns.metadata.name}' };
      const messages = (await engine.validate(definition)).map(i => `${i.field}: ${i.message}`);
      expect(messages).toEqual([
        'spec.pulumi.program.resources: ${owner}: parameter "owner" is optional without a default, so an order may leave it out; make it required or give it a default',
        'spec.pulumi.program.resources: ${limits.pods}: parameter "limits" is optional without a default, so an order may leave it out; make it required or give it a default',
        'spec.pulumi.program.resources: ${limits.services}: parameter "limits" is optional without a default, so an order may leave it out; make it required or give it a default',
        // the operator does not evaluate the stack config: only parameters resolve there
        'spec.pulumi.config: ${ns.metadata.name}: "ns" names no parameter (parameters: namespaceName, cpuCores, memoryGi, labels, owner, limits); write $${...} for a literal',
      ]);

      (parameters as { required?: string[] }).required = ['namespaceName', 'owner', 'limits'];
      definition.spec.pulumi!.config = {};
      expect((await engine.validate(definition)).map(i => i.message)).toEqual([
        '${limits.services}: parameter "limits.services" is optional without a default, so an order may leave it out; make it required or give it a default',
      ]);
    });
  });

  describe('render', () => {
    it('accepts the Pulumi items of examples/resources and renders them valid upstream', async () => {
      const items = readExampleResources('pulumi');
      expect(items.map(i => i.metadata.name)).toEqual(['k8s-namespace', 'sqs-queue']);
      const orders: Record<string, Record<string, unknown>> = { 'k8s-namespace': { namespace: 'orders' }, 'sqs-queue': {} };
      for (const definition of items) {
        const name = definition.metadata.name;
        expect({ name, issues: await engine.validate(definition) }).toEqual({ name, issues: [] });
        const properties = (definition.spec.parameters as { properties: Record<string, { default?: unknown }> }).properties;
        const defaults = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, property.default]));
        const { artifacts } = await engine.render(context({ definition, parameters: { ...defaults, ...orders[name] } }));
        const objects = readArtifactObjects(artifacts);
        expect(objects.map(o => ({ name, kind: o.kind, errors: validator?.validate(o) ?? [] }))).toEqual([
          { name, kind: 'Program', errors: [] },
          { name, kind: 'Stack', errors: [] },
        ]);
        // every parameter reference was resolved; only the program's own references are left
        expect(JSON.stringify(objects[0].program)).not.toMatch(/\$\{(namespace|cpuCores|memoryGi|networkPolicy|fifo|visibilityTimeoutSeconds|messageRetentionSeconds|maxReceiveCount)\}/);
      }
    });

    it('renders a Program with the order written in and a resyncing Stack, both valid upstream', async () => {
      const { artifacts } = await engine.render(context());
      expect(artifacts.map(a => a.path)).toEqual(['program.yaml', 'stack.yaml']);
      const [program, stack] = readArtifactObjects(artifacts);
      for (const object of [program, stack]) {
        expect({ kind: object.kind, errors: validator?.validate(object) ?? [] }).toEqual({ kind: object.kind, errors: [] });
      }
      expect(program.metadata).toMatchObject({ name: 'analytics-ns', namespace: 'team-data-prod', labels: { 'nestor.io/team': 'team-data' } });
      expect(program.program).toEqual({
        resources: {
          ns: { type: 'kubernetes:core/v1:Namespace', properties: { metadata: { name: 'analytics', labels: { tier: 'standard' } } } },
          quota: {
            type: 'kubernetes:core/v1:ResourceQuota',
            properties: {
              metadata: { name: 'compute', namespace: '${ns.metadata.name}' },
              spec: { hard: { 'requests.cpu': 16, 'requests.memory': '8Gi' } },
            },
          },
        },
        outputs: { namespace: '${ns.metadata.name}', stack: '${pulumi.stack}', escaped: '$${cpuCores}' },
      });
      expect(stack.spec).toEqual({
        stack: 'team-data-prod-analytics-ns',
        programRef: { name: 'analytics-ns' },
        destroyOnFinalize: true,
        continueResyncOnCommitMatch: true,
        resyncFrequencySeconds: 300,
        refresh: true,
        config: { 'kubernetes:namespace': 'analytics' },
      });
    });

    it('gives each team, environment and deployment its own stack, with the configured backend and credentials', async () => {
      const configured = PulumiEngine.create({
        config: pulumiEngineConfigSchema.parse({
          organization: 'acme',
          stack: {
            backend: 's3://acme-pulumi-state',
            serviceAccountName: 'pulumi',
            resyncFrequencySeconds: 600,
            envFromSecrets: { AWS_ACCESS_KEY_ID: { name: 'aws-creds', key: 'id' } },
          },
        }),
      });
      const stacks = [];
      for (const [team, environment, name] of [['team-a', 'dev', 'x'], ['team-a', 'prod', 'x'], ['team-b', 'dev', 'x']]) {
        const [, stack] = readArtifactObjects((await configured.render(context({ team, environment, name }))).artifacts);
        expect(validator?.validate(stack) ?? []).toEqual([]);
        stacks.push(stack);
      }
      expect(stacks.map(s => (s.spec as any).stack)).toEqual(['acme/team-a-dev-x', 'acme/team-a-prod-x', 'acme/team-b-dev-x']);
      expect(stacks[0].spec).toMatchObject({
        backend: 's3://acme-pulumi-state',
        serviceAccountName: 'pulumi',
        resyncFrequencySeconds: 600,
        envRefs: { AWS_ACCESS_KEY_ID: { type: 'Secret', secret: { name: 'aws-creds', key: 'id' } } },
      });
    });

    it('refuses a parameter path that does not exist', async () => {
      const definition = namespaceDefinition();
      definition.spec.pulumi!.program.resources!.ns.properties = { metadata: { name: '${namespaceName.first}' } };
      await expect(engine.render(context({ definition }))).rejects.toThrow('parameter "namespaceName" has no field "first"');
    });
  });

  describe('on a cluster', () => {
    // No cluster and no Pulumi operator run here: the cluster is the
    // in-process API server of @nestor/test-utils, reached over HTTP by the
    // backend's client, with the upstream CRDs installed; the test writes the
    // Stack's status the way the operator does.
    let server: KubernetesTestServer;
    let target: EngineTarget;
    const stackRef = { apiVersion: 'pulumi.com/v1', kind: 'Stack', name: 'analytics-ns', namespace: 'team-data-prod' };

    beforeEach(async () => {
      server = await KubernetesTestServer.start();
      if (upstream) {
        for (const file of CRD_FILES) server.installCrd(YAML.parse(fs.readFileSync(path.join(upstream, file), 'utf8')));
      } else {
        server.registerResource({ group: 'pulumi.com', version: 'v1', kind: 'Program', plural: 'programs', namespaced: true, statusSubresource: true });
        server.registerResource({ group: 'pulumi.com', version: 'v1', kind: 'Stack', plural: 'stacks', namespaced: true, statusSubresource: true });
      }
      const clusters = KubernetesClusters.create({ clusters: [{ name: 'prod', url: server.url, skipTLSVerify: true }] });
      target = { cluster: 'prod', kubernetes: clusters.get('prod') };
    });
    afterEach(() => server.stop());

    const at = '2026-01-01T00:00:00Z';

    it('applies Program and Stack and reads status and outputs from the Stack', async () => {
      const ctx = context({ delivery: 'direct', gitops: false });
      await engine.apply(ctx, await engine.render(ctx), target);
      expect(server.getObject('pulumi.com/v1', 'Program', 'analytics-ns', 'team-data-prod')?.program.resources.ns.type).toBe('kubernetes:core/v1:Namespace');
      expect(await engine.status(ctx, target)).toMatchObject({ phase: 'Syncing', message: 'Stack is not ready yet' });

      const generation = server.getObject(stackRef.apiVersion, stackRef.kind, stackRef.name, stackRef.namespace)!.metadata.generation;
      server.patchStatus(stackRef, {
        observedGeneration: generation,
        lastUpdate: { state: 'failed', message: 'error: resource quota "compute" was not created: forbidden', generation },
        conditions: [
          { type: 'Ready', status: 'False', reason: 'NotReady', message: 'the stack has failed', lastTransitionTime: at },
          { type: 'Reconciling', status: 'True', reason: 'RetryingAfterFailure', message: 'retrying', lastTransitionTime: at },
        ],
      });
      expect(await engine.status(ctx, target)).toMatchObject({
        phase: 'Syncing',
        message: 'retrying after a failed update: error: resource quota "compute" was not created: forbidden',
      });

      server.patchStatus(stackRef, {
        lastUpdate: { state: 'succeeded', generation },
        outputs: { namespace: 'analytics', stack: 'team-data-prod-analytics-ns' },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ProcessingCompleted', message: 'the stack has been processed and is up to date', lastTransitionTime: at },
          { type: 'Reconciling', status: 'False', reason: 'ProcessingCompleted', message: 'done', lastTransitionTime: at },
        ],
      });
      const ready = await engine.status(ctx, target);
      expect(ready).toMatchObject({ phase: 'Ready', outputs: { namespace: 'analytics', stack: 'team-data-prod-analytics-ns' } });
      expect(ready.conditions.map(c => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'Reconciling=False']);

      await engine.destroy(ctx, target);
      expect(server.getObject(stackRef.apiVersion, stackRef.kind, stackRef.name, stackRef.namespace)).toBeUndefined();
      expect(server.getObject('pulumi.com/v1', 'Program', 'analytics-ns', 'team-data-prod')).toBeUndefined();
    });

    it('fails when the operator stalls the stack', async () => {
      const ctx = context({ delivery: 'direct', gitops: false });
      await engine.apply(ctx, await engine.render(ctx), target);
      server.patchStatus(stackRef, {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'NotReady', message: 'not ready', lastTransitionTime: at },
          { type: 'Stalled', status: 'True', reason: 'ProgramNotFound', message: 'program analytics-ns has no artifact', lastTransitionTime: at },
        ],
      });
      expect(await engine.status(ctx, target)).toMatchObject({ phase: 'Failed', message: 'program analytics-ns has no artifact' });
    });

    it('leaves GitOps stacks to Git on destroy, and reports a missing cluster', async () => {
      const ctx = context();
      server.applyObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-data-prod' } }, 'test');
      await engine.apply(ctx, await engine.render(ctx), target);
      await engine.destroy(ctx, target);
      expect(server.getObject(stackRef.apiVersion, stackRef.kind, stackRef.name, stackRef.namespace)).toBeDefined();
      expect(await engine.status(ctx, {})).toMatchObject({ conditions: [{ reason: 'NoCluster' }] });
    });
  });
});
