import { EngineValidationIssue } from '@nestor/plugin-nestor-node';

const COPIED = new Set([
  'description',
  'title',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'nullable',
  'example',
]);
// annotations Kubernetes has no use for; dropped without a word
const IGNORED = new Set(['$schema', '$id', '$comment', 'examples', 'readOnly', 'writeOnly', 'deprecated']);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/**
 * Turns the JSON Schema of a buffet item's parameters into a Kubernetes
 * structural schema (what a CRD version's `openAPIV3Schema` must be): every
 * field typed, no `$ref`, `additionalProperties: true` as
 * `x-kubernetes-preserve-unknown-fields`, exclusive bounds in the OpenAPI 3.0
 * form, `const` as a one-value `enum`, `uniqueItems` as a set-typed list.
 * What cannot be expressed (references, conditionals, unions, untyped fields)
 * is reported as issues with the path of the offending keyword.
 * @public
 */
export function toStructuralSchema(
  schema: Record<string, unknown>,
  path = 'spec.parameters',
): { schema: Record<string, unknown>; issues: EngineValidationIssue[] } {
  const issues: EngineValidationIssue[] = [];
  return { schema: convert(schema, path, issues), issues };
}

function convert(node: unknown, path: string, issues: EngineValidationIssue[]): Record<string, unknown> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    issues.push({ field: path, message: 'must be a schema object' });
    return {};
  }
  const src = node as Record<string, any>;
  const out: Record<string, any> = {};
  let type = src.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t: string) => t !== 'null');
    if (nonNull.length !== 1) {
      issues.push({ field: `${path}.type`, message: `a Kubernetes schema field has exactly one type, not ${JSON.stringify(type)}` });
    } else if (nonNull.length < type.length) {
      out.nullable = true;
    }
    type = nonNull[0];
  }
  if (type === undefined) {
    if (src.properties || src.additionalProperties !== undefined) type = 'object';
    else if (src.items) type = 'array';
    else if (src.const !== undefined) type = typeof src.const === 'number' ? 'number' : typeof src.const;
    else if (Array.isArray(src.enum) && src.enum.length > 0 && src.enum.every((v: unknown) => typeof v === typeof src.enum[0])) {
      type = typeof src.enum[0];
    }
  }
  if (type !== undefined && !TYPES.has(type)) {
    issues.push({ field: `${path}.type`, message: `unsupported type "${type}"` });
  } else if (type === undefined) {
    issues.push({ field: path, message: 'every field needs a type (Kubernetes structural schemas have no untyped fields)' });
  } else {
    out.type = type;
  }

  for (const [key, value] of Object.entries(src)) {
    if (key === 'type' || IGNORED.has(key)) continue;
    if (COPIED.has(key)) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, convert(child, `${path}.properties.${name}`, issues)]),
        );
        break;
      case 'required':
        out.required = value;
        break;
      case 'items':
        if (Array.isArray(value)) issues.push({ field: `${path}.items`, message: 'tuple items are not supported; give one schema for every item' });
        else out.items = convert(value, `${path}.items`, issues);
        break;
      case 'additionalProperties':
        if (value === true) out['x-kubernetes-preserve-unknown-fields'] = true;
        else if (value === false) {
          // unknown fields are pruned by the API server anyway
        } else if (src.properties) {
          issues.push({ field: `${path}.additionalProperties`, message: 'cannot be combined with properties in a Kubernetes schema' });
        } else out.additionalProperties = convert(value, `${path}.additionalProperties`, issues);
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
        if (typeof value === 'number') {
          out[bound] = value;
          out[key] = true;
        } else out[key] = value;
        break;
      }
      case 'uniqueItems':
        if (value === true) out['x-kubernetes-list-type'] = 'set';
        break;
      default:
        if (key.startsWith('x-kubernetes-')) out[key] = value;
        else issues.push({ field: `${path}.${key}`, message: `"${key}" cannot be expressed in a Kubernetes structural schema` });
    }
  }
  if (out['x-kubernetes-list-type'] === 'set' && out.items && !['string', 'integer', 'number', 'boolean'].includes(out.items.type)) {
    issues.push({ field: `${path}.uniqueItems`, message: 'unique items are only supported for lists of scalars' });
  }
  return out;
}
