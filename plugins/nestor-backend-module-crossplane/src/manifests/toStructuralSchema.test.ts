import { toStructuralSchema } from './toStructuralSchema';

describe('toStructuralSchema', () => {
  it('types every field and rewrites JSON Schema idioms the Kubernetes way', () => {
    const { schema, issues } = toStructuralSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['size'],
      properties: {
        size: { enum: ['small', 'large'], default: 'small' },
        count: { type: 'integer', exclusiveMinimum: 0 },
        mode: { const: 'fast' },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        extra: { type: 'object', additionalProperties: true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        closed: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
      },
    });
    expect(issues).toEqual([]);
    expect(schema).toEqual({
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['small', 'large'], default: 'small' },
        count: { type: 'integer', minimum: 0, exclusiveMinimum: true },
        mode: { type: 'string', enum: ['fast'] },
        note: { type: 'string', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        closed: { type: 'object', properties: { a: { type: 'string' } } },
      },
    });
  });

  it('reports every construct a structural schema cannot hold, with its path', () => {
    const { issues } = toStructuralSchema({
      type: 'object',
      properties: {
        ref: { $ref: '#/definitions/x' },
        either: { type: 'string', oneOf: [{ pattern: 'a' }, { pattern: 'b' }] },
        multi: { type: ['string', 'integer'] },
        loose: { description: 'no type at all' },
        tuple: { type: 'array', items: [{ type: 'string' }] },
        cond: { type: 'string', if: { minLength: 1 }, then: { pattern: 'x' } },
      },
    });
    expect(issues.map(i => i.field)).toEqual([
      'spec.parameters.properties.ref',
      'spec.parameters.properties.ref.$ref',
      'spec.parameters.properties.either.oneOf',
      'spec.parameters.properties.multi.type',
      'spec.parameters.properties.loose',
      'spec.parameters.properties.tuple.items',
      'spec.parameters.properties.cond.if',
      'spec.parameters.properties.cond.then',
    ]);
    expect(issues.find(i => i.field.endsWith('multi.type'))!.message).toContain('exactly one type');
  });
});
