import { validateNestorDocument } from './validateDocument';
import { getModelJsonSchema } from './jsonSchemas';

const definition = {
  apiVersion: 'nestor.io/v1alpha1',
  kind: 'ResourceDefinition',
  metadata: { name: 'postgres-database', owner: 'team-platform', tags: ['database'] },
  spec: {
    type: 'database.postgresql',
    version: '1.4.0',
    engine: 'crossplane',
    parameters: { type: 'object', properties: { size: { type: 'string', enum: ['small'] } } },
    requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
    environments: ['dev', 'prod'],
    cost: { monthly: 120 },
    crossplane: { group: 'platform.example.org', kind: 'XPostgres', version: 'v1alpha1' },
  },
};

describe('validateNestorDocument', () => {
  it('accepts a resource definition and applies defaults', () => {
    const result = validateNestorDocument(definition);
    expect(result.ok).toBe(true);
    if (!result.ok || result.document.kind !== 'ResourceDefinition') throw new Error('unexpected');
    expect(result.document.value.spec.visibility).toEqual({ public: true });
    expect(result.document.value.spec.cost).toEqual({ monthly: 120, currency: 'USD' });
    expect(result.document.value.spec.outputs).toEqual([]);
  });

  it('lists every failing field at once', () => {
    const result = validateNestorDocument({
      ...definition,
      metadata: { name: 'Bad_Name', owner: 'team-platform', extra: 1 },
      spec: { ...definition.spec, version: '1.4', engine: 'helm', crossplane: undefined },
    });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unexpected');
    const fields = result.issues.map(i => i.field).sort();
    expect(fields).toEqual(['metadata', 'metadata.name', 'spec.helm', 'spec.version']);
    expect(result.issues.find(i => i.field === 'metadata')!.message).toContain('extra');
    expect(result.issues.find(i => i.field === 'spec.helm')!.message).toBe(
      'spec.helm is required when spec.engine is "helm"',
    );
  });

  it('names an unknown kind', () => {
    const result = validateNestorDocument({ apiVersion: 'nestor.io/v1alpha1', kind: 'Gadget' });
    expect(result).toEqual({
      ok: false,
      kind: 'Gadget',
      issues: [{ field: 'kind', message: 'unknown kind "Gadget", expected ResourceDefinition or TeamConfig' }],
    });
  });

  it('refuses quotas for environments the team does not have', () => {
    const result = validateNestorDocument({
      apiVersion: 'nestor.io/v1alpha1',
      kind: 'TeamConfig',
      metadata: { name: 'team-a' },
      spec: { environments: ['dev'], quotas: { prod: { maxDeployments: 1 } } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unexpected');
    expect(result.issues).toEqual([
      { field: 'spec.quotas.prod', message: 'quota for environment "prod" which is not in spec.environments' },
    ]);
  });
});

describe('getModelJsonSchema', () => {
  it('exports the resource definition with its required fields', () => {
    const schema = getModelJsonSchema('ResourceDefinition') as any;
    expect(schema.title).toBe('ResourceDefinition');
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schema.properties.spec.required).toEqual(expect.arrayContaining(['type', 'version', 'engine', 'environments']));
    // defaults are optional on input
    expect(schema.properties.spec.required).not.toContain('visibility');
  });
});
