import { flattenParameterSchema } from './flattenParameterSchema';

describe('flattenParameterSchema', () => {
  it('lists each parameter with its type, requirement, default and constraints', () => {
    const rows = flattenParameterSchema({
      type: 'object',
      required: ['size'],
      properties: {
        size: {
          type: 'string',
          enum: ['small', 'medium', 'large'],
          default: 'small',
          description: 'Instance class',
        },
        storageGb: { type: 'integer', minimum: 20, maximum: 2000, default: 50 },
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 63 },
        zones: {
          type: 'array',
          items: { type: 'string', enum: ['a', 'b'] },
          minItems: 1,
        },
      },
    });
    expect(rows).toEqual([
      {
        path: 'size',
        title: undefined,
        type: 'string',
        required: true,
        default: '"small"',
        constraints: ['one of small, medium, large'],
        description: 'Instance class',
      },
      expect.objectContaining({
        path: 'storageGb',
        type: 'integer',
        required: false,
        default: '50',
        constraints: ['from 20 to 2000'],
      }),
      expect.objectContaining({
        path: 'name',
        constraints: ['0 to 63 characters', 'matches ^[a-z]+$'],
      }),
      expect.objectContaining({
        path: 'zones',
        type: 'array of string',
        constraints: ['1 to ∞ items', 'items one of a, b'],
      }),
    ]);
  });

  it('walks nested objects as dotted paths, required only when every parent is', () => {
    const rows = flattenParameterSchema({
      type: 'object',
      required: ['backup'],
      properties: {
        backup: {
          type: 'object',
          required: ['days'],
          properties: { days: { type: 'integer' }, window: { type: 'string' } },
        },
        tuning: {
          type: 'object',
          required: ['workMem'],
          properties: { workMem: { type: 'string' } },
        },
      },
    });
    expect(rows.map(r => [r.path, r.required])).toEqual([
      ['backup', true],
      ['backup.days', true],
      ['backup.window', false],
      ['tuning', false],
      ['tuning.workMem', false],
    ]);
  });

  it('names alternatives and references, and copes with schemas that are not objects', () => {
    const rows = flattenParameterSchema({
      properties: {
        port: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
        network: { $ref: '#/definitions/network' },
      },
    });
    expect(rows.map(r => r.type)).toEqual([
      'one of: integer, string',
      'see #/definitions/network',
    ]);
    expect(flattenParameterSchema(undefined)).toEqual([]);
    expect(flattenParameterSchema({ type: 'object' })).toEqual([]);
  });
});
