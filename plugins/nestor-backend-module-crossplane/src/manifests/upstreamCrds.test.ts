import fs from 'node:fs';
import path from 'node:path';
import { formatDeploymentRef } from '@nestor/plugin-nestor-common';
import { createTestDeployment } from '@nestor/plugin-nestor-node/testUtils';
import { CrdSchemaValidator, findUpstreamDir } from '@nestor/test-utils';
import YAML from 'yaml';
import { CrossplaneEngine } from '../engine/CrossplaneEngine';
import { crdsForXrd } from '../__fixtures__/crdsForXrd';
import { loadFixtureDefinition } from '../__fixtures__/loadFixtureDefinition';

// Every manifest the engine renders is checked against the CRD schema of the
// API version it uses, read from upstream Crossplane's own CRD files.
const upstream = findUpstreamDir();
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: ../shared/upstream (upstream Crossplane CRDs) is absent; rendered manifests are not validated');
}
const describeIfUpstream = upstream ? describe : describe.skip;

function crd(file: string) {
  return YAML.parse(fs.readFileSync(path.join(upstream!, 'crossplane', file), 'utf8'));
}

async function renderFixture(name: 'postgres-database' | 'object-bucket', parameters: Record<string, unknown>) {
  const definition = loadFixtureDefinition(name);
  const base = createTestDeployment({ team: 'team-payments', environment: 'dev', name: 'orders-db', resource: name });
  const deployment = { ...base, engine: 'crossplane', version: 0, ref: formatDeploymentRef(base) };
  const rendered = await CrossplaneEngine.create().render({
    definition,
    deployment,
    parameters,
    dependencyOutputs: {},
    namespace: 'team-payments-dev',
  });
  const parse = (p: string) => YAML.parse([...rendered.artifacts, ...(rendered.platformArtifacts ?? [])].find(a => a.path === p)!.content);
  return { rendered, parse };
}

describeIfUpstream('rendered manifests against the upstream Crossplane CRDs', () => {
  const xrdCrd = () => crd('apiextensions.crossplane.io_compositeresourcedefinitions.yaml');
  const compositionCrd = () => crd('apiextensions.crossplane.io_compositions.yaml');

  it('uses only API versions the upstream CRDs serve', async () => {
    const served = (c: any) => c.spec.versions.filter((v: any) => v.served).map((v: any) => `${c.spec.group}/${v.name}`);
    for (const name of ['postgres-database', 'object-bucket'] as const) {
      const { rendered } = await renderFixture(name, {});
      for (const a of rendered.platformArtifacts!) {
        const source = a.kind === 'Composition' ? compositionCrd() : xrdCrd();
        expect(served(source)).toContain(a.apiVersion);
      }
    }
  });

  it('renders a claim-style XRD (v1) that validates, and keeps to its CEL rules', async () => {
    const { parse } = await renderFixture('postgres-database', { size: 'small', storageGb: 20 });
    const xrd = parse('definition.yaml');
    expect(xrd.apiVersion).toBe('apiextensions.crossplane.io/v1');
    const validator = CrdSchemaValidator.fromCrd(xrdCrd(), 'v1');
    expect(validator.validate(xrd)).toEqual([]);
    // the validator does reject what the CRD does not allow
    expect(validator.validate({ ...xrd, spec: { ...xrd.spec, versions: [{ name: 'v1alpha1', servd: true }] } }).map(v => v.field).sort()).toEqual([
      'spec.versions.0.referenceable',
      'spec.versions.0.servd',
      'spec.versions.0.served',
    ]);
    // CEL rules ajv cannot run, checked by hand: the XRD name is <plural>.<group>, lower-case plural
    expect(xrd.metadata.name).toBe(`${xrd.spec.names.plural}.${xrd.spec.group}`);
    expect(xrd.spec.names.plural).toBe(xrd.spec.names.plural.toLowerCase());
    expect(xrd.spec.claimNames).toEqual({ kind: 'PostgresDatabase', plural: 'postgresdatabases', categories: ['nestor'] });
    expect(xrd.spec.connectionSecretKeys).toEqual(['host', 'port', 'password']);
  });

  it('renders a namespaced XRD (v2) without the fields v2 forbids', async () => {
    const { parse } = await renderFixture('object-bucket', {});
    const xrd = parse('definition.yaml');
    expect(xrd.apiVersion).toBe('apiextensions.crossplane.io/v2');
    const validator = CrdSchemaValidator.fromCrd(xrdCrd(), 'v2');
    expect(validator.validate(xrd)).toEqual([]);
    const rules = validator.celRules().map(r => r.rule);
    expect(rules).toEqual(expect.arrayContaining(['!has(self.claimNames)', '!has(self.connectionSecretKeys)']));
    expect(xrd.spec.claimNames).toBeUndefined();
    expect(xrd.spec.connectionSecretKeys).toBeUndefined();
    expect(xrd.spec.scope).toBe('Namespaced');
  });

  it('renders pipeline-mode Compositions that validate', async () => {
    for (const name of ['postgres-database', 'object-bucket'] as const) {
      const { parse } = await renderFixture(name, {});
      const composition = parse('composition.yaml');
      const validator = CrdSchemaValidator.fromCrd(compositionCrd(), 'v1');
      expect(validator.validate(composition)).toEqual([]);
      // the CEL rule of the spec: Pipeline mode with a pipeline
      expect(composition.spec.mode).toBe('Pipeline');
      expect(composition.spec.pipeline.length).toBeGreaterThan(0);
      const xrd = parse('definition.yaml');
      expect(composition.spec.compositeTypeRef).toEqual({ apiVersion: `${xrd.spec.group}/${xrd.spec.versions[0].name}`, kind: xrd.spec.names.kind });
      expect(xrd.spec.defaultCompositionRef).toEqual({ name: composition.metadata.name });
    }
  });

  it('renders claims and XRs that validate against the CRDs Crossplane generates from the XRD', async () => {
    const { parse } = await renderFixture('postgres-database', { size: 'medium', storageGb: 50, version: '16', backups: { enabled: true, retentionDays: 3 } });
    const claim = parse('claim.yaml');
    const [, claimCrd] = crdsForXrd(parse('definition.yaml'));
    expect(CrdSchemaValidator.fromCrd(claimCrd).validate(claim)).toEqual([]);
    expect(claim).toMatchObject({
      apiVersion: 'platform.example.org/v1alpha1',
      kind: 'PostgresDatabase',
      metadata: { name: 'orders-db', namespace: 'team-payments-dev', annotations: { 'nestor.io/ref': 'team-payments/dev/orders-db' } },
      spec: { writeConnectionSecretToRef: { name: 'orders-db-connection' } },
    });

    const bucket = await renderFixture('object-bucket', { region: 'us-east-1', versioning: true, tags: { cost: 'x' } });
    const [xrCrd] = crdsForXrd(bucket.parse('definition.yaml'));
    expect(CrdSchemaValidator.fromCrd(xrCrd).validate(bucket.parse('composite.yaml'))).toEqual([]);
  });

  it('turns the parameters schema into one that rejects what the buffet item rejects', async () => {
    const { parse } = await renderFixture('postgres-database', { size: 'huge', storageGb: 5, version: '9', backups: { retentionDays: 0 } });
    const [, claimCrd] = crdsForXrd(parse('definition.yaml'));
    const fields = CrdSchemaValidator.fromCrd(claimCrd).validate(parse('claim.yaml')).map(v => v.field).sort();
    expect(fields).toEqual([
      'spec.parameters.backups.retentionDays',
      'spec.parameters.size',
      'spec.parameters.storageGb',
      'spec.parameters.version',
    ]);
  });
});
