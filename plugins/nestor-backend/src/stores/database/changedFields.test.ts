import { changedFields } from './changedFields';

describe('changedFields', () => {
  const base = {
    apiVersion: 'nestor.io/v1alpha1',
    metadata: { name: 'db', tags: ['a', 'b'], title: 'DB' },
    spec: {
      version: '1.0.0',
      parameters: {
        type: 'object',
        properties: { size: { enum: ['s', 'm'] } },
      },
    },
  };

  it('finds nothing between equal documents written in another key order', () => {
    const reordered = {
      spec: {
        parameters: {
          properties: { size: { enum: ['s', 'm'] } },
          type: 'object',
        },
        version: '1.0.0',
      },
      metadata: { title: 'DB', tags: ['a', 'b'], name: 'db' },
      apiVersion: 'nestor.io/v1alpha1',
    };
    expect(changedFields(base, reordered)).toEqual([]);
  });

  it('ignores keys whose value is undefined, as JSON does', () => {
    expect(
      changedFields(base, {
        ...base,
        metadata: { ...base.metadata, description: undefined },
      }),
    ).toEqual([]);
  });

  it('names second-level paths, and top-level keys that are not objects, sorted', () => {
    const after = {
      apiVersion: 'nestor.io/v1beta1',
      metadata: {
        name: 'db',
        tags: ['b', 'a'],
        title: 'DB',
        description: 'new',
      },
      spec: {
        version: '1.1.0',
        parameters: {
          type: 'object',
          properties: { size: { enum: ['s', 'm', 'l'] } },
        },
      },
    };
    expect(changedFields(base, after)).toEqual([
      'apiVersion',
      'metadata.description',
      'metadata.tags',
      'spec.parameters',
      'spec.version',
    ]);
  });

  it('names a removed block and a value that changed type', () => {
    const { metadata, ...withoutMetadata } = base;
    expect(changedFields(base, withoutMetadata)).toEqual(['metadata']);
    expect(metadata.name).toBe('db');
    expect(
      changedFields(base, { ...base, spec: { ...base.spec, version: 1 } }),
    ).toEqual(['spec.version']);
    expect(
      changedFields(base, {
        ...base,
        spec: { ...base.spec, parameters: null },
      }),
    ).toEqual(['spec.parameters']);
  });
});
