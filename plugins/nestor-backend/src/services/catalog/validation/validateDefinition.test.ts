import { resourceDefinitionYaml, teamConfigYaml } from '@nestor/test-utils';
import { parse } from 'yaml';
import { DefinitionIssue, validateDefinition } from './validateDefinition';

function definition(name = 'pg', options: Parameters<typeof resourceDefinitionYaml>[1] = {}) {
  return parse(resourceDefinitionYaml(name, options));
}

/** The issues of a document that must fail. */
function issuesOf(raw: unknown): { name?: string; issues: DefinitionIssue[] } {
  const result = validateDefinition(raw);
  if (result.ok) throw new Error('expected the document to fail validation');
  return result;
}

describe('validateDefinition', () => {
  it('accepts a valid definition and applies the schema defaults', () => {
    const doc = definition('pg');
    delete doc.spec.visibility;
    expect(validateDefinition(doc)).toMatchObject({
      ok: true,
      document: { kind: 'ResourceDefinition', value: { metadata: { name: 'pg' }, spec: { visibility: { public: true } } } },
    });
  });

  it('routes team configs by kind', () => {
    const result = validateDefinition(parse(teamConfigYaml('team-a')));
    expect(result).toMatchObject({ ok: true, document: { kind: 'TeamConfig' } });
  });

  it('lists every failing field of a document with its path and the name it declares', () => {
    const doc = definition('pg');
    doc.metadata.owner = 'Not A Team';
    doc.spec.version = 'one';
    delete doc.spec.environments;
    const result = issuesOf(doc);
    expect(result.name).toBe('pg');
    expect(result.issues.map(i => i.field).sort()).toEqual(['metadata.owner', 'spec.environments', 'spec.version']);
    expect(result.issues.find(i => i.field === 'spec.version')!.path).toEqual(['spec', 'version']);
  });

  it('rejects spec.parameters that is not a valid JSON Schema, naming the broken keyword', () => {
    const { issues } = issuesOf(
      definition('pg', {
        parameters: { type: 'object', properties: { size: { type: 'strin' }, count: { minimum: 'ten' } } },
      }),
    );
    expect(issues.map(i => i.field).sort()).toEqual([
      'spec.parameters.properties.count.minimum',
      'spec.parameters.properties.size.type',
    ]);
    expect(issues.every(i => i.message.startsWith('not a valid JSON Schema'))).toBe(true);
    expect(issues.find(i => i.field.endsWith('size.type'))!.path).toEqual(['spec', 'parameters', 'properties', 'size', 'type']);
    expect(issues.find(i => i.field.endsWith('size.type'))!.message).toMatch(/allowed values: "array", "boolean"/);
  });

  it('rejects an invalid regular expression in a pattern (meta-schema formats are checked)', () => {
    const result = validateDefinition(
      definition('pg', { parameters: { type: 'object', properties: { id: { type: 'string', pattern: '([a-z' } } } }),
    );
    expect(result).toMatchObject({ ok: false, issues: [{ field: 'spec.parameters.properties.id.pattern' }] });
  });

  it('requires the parameters schema to describe an object', () => {
    const result = validateDefinition(definition('pg', { parameters: { type: 'string' } }));
    expect(result).toMatchObject({ ok: false, issues: [{ field: 'spec.parameters.type', message: expect.stringMatching(/object/) }] });
  });

  it('accepts a 2020-12 schema and refuses an unknown $schema', () => {
    const schema2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tags: { type: 'array', prefixItems: [{ type: 'string' }] } },
    };
    expect(validateDefinition(definition('pg', { parameters: schema2020 })).ok).toBe(true);
    const unknown = validateDefinition(definition('pg', { parameters: { $schema: 'https://example.com/s', type: 'object' } }));
    expect(unknown).toMatchObject({ ok: false, issues: [{ field: 'spec.parameters.$schema' }] });
  });

  it('rejects requires ranges that semver cannot parse', () => {
    const result = validateDefinition(
      definition('pg', {
        requires: [
          { type: 'network.vpc', version: '>=1.0.0 <2.0.0' },
          { type: 'dns.zone', version: '>=1.0.0 <<2' },
        ],
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      issues: [{ field: 'spec.requires.1.version', message: '">=1.0.0 <<2" is not a valid semver range' }],
    });
  });

  it('refuses a name the API reserves', () => {
    expect(validateDefinition(definition('sources'))).toMatchObject({
      ok: false,
      issues: [{ field: 'metadata.name', message: expect.stringMatching(/reserved/) }],
    });
  });

  it('refuses an unknown kind', () => {
    expect(validateDefinition({ apiVersion: 'nestor.io/v1alpha1', kind: 'Widget' })).toMatchObject({
      ok: false,
      kind: 'Widget',
      issues: [{ field: 'kind' }],
    });
  });
});
