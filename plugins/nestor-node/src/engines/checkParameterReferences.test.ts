import { checkParameterReferences } from './checkParameterReferences';

describe('checkParameterReferences', () => {
  const schema = {
    type: 'object',
    required: ['name', 'tls'],
    properties: {
      name: { type: 'string' },
      replicas: { type: 'integer', default: 2 },
      note: { type: 'string' },
      tls: { type: 'object', required: ['issuer'], properties: { issuer: { type: 'string' }, hosts: { type: 'array' } } },
      labels: { type: 'object', default: { tier: 'standard' } },
    },
  };
  const check = (value: unknown, engineNames?: string[]) =>
    checkParameterReferences(value, schema, { field: 'spec.x', engineNames, referenceKinds: 'parameter or resource' }).map(i => i.message);

  it('accepts references to required or defaulted parameters, nested ones and escapes', () => {
    expect(check({ a: '${name}', b: 'n=${replicas}', c: ['${tls.issuer}'], d: '${labels.tier}', e: '$${note}' })).toEqual([]);
  });

  it('names references to no parameter, and leaves the engine its own names', () => {
    expect(check({ a: '${nmae}', b: '${bucket.arn}' }, ['bucket'])).toEqual([
      '${nmae}: "nmae" names no parameter or resource (parameters: name, replicas, note, tls, labels); write $${...} for a literal',
    ]);
  });

  it('names parameters an order may leave out, at any depth', () => {
    expect(check({ a: '${note}', b: '${tls.hosts}', c: '${tls.port}', d: '${replicas.max}' })).toEqual([
      '${note}: parameter "note" is optional without a default, so an order may leave it out; make it required or give it a default',
      '${tls.hosts}: parameter "tls.hosts" is optional without a default, so an order may leave it out; make it required or give it a default',
      '${tls.port}: the parameter schema has no property "tls.port"',
      '${replicas.max}: parameter "replicas" is of type integer: it has no field "max"',
    ]);
  });

  it('reports each reference once and reads a schema without properties as having no parameters', () => {
    expect(check(['${nope}', '${nope}'])).toHaveLength(1);
    expect(checkParameterReferences('${x}', undefined, { field: 'f' })).toEqual([
      { field: 'f', message: '${x}: "x" names no parameter (parameters: none); write $${...} for a literal' },
    ]);
  });
});
