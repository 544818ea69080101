/** One parameter of a buffet item, as the item page lists it. @public */
export interface ParameterRow {
  /** dotted path, e.g. `backup.retentionDays` */
  path: string;
  title?: string;
  /** `string`, `integer`, `array of string`, `one of: string, number`, ... */
  type: string;
  required: boolean;
  default?: string;
  /** enum values, ranges, lengths, patterns and formats in words */
  constraints: string[];
  description?: string;
}

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(schema: Schema): string {
  if (typeof schema.$ref === 'string') return `see ${schema.$ref}`;
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown;
  if (Array.isArray(alternatives)) {
    return `one of: ${alternatives.filter(isSchema).map(typeOf).join(', ')}`;
  }
  let type = 'any';
  if (Array.isArray(schema.type)) type = schema.type.join(' | ');
  else if (typeof schema.type === 'string') type = schema.type;
  else if (Array.isArray(schema.enum)) type = 'enum';
  if (type === 'array' && isSchema(schema.items)) {
    return `array of ${typeOf(schema.items)}`;
  }
  return type;
}

function constraintsOf(schema: Schema): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (Array.isArray(schema.enum))
    out.push(`one of ${schema.enum.map(show).join(', ')}`);
  if (schema.const !== undefined) out.push(`exactly ${show(schema.const)}`);
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  if (min !== undefined && max !== undefined) out.push(`from ${min} to ${max}`);
  else if (min !== undefined) out.push(`at least ${min}`);
  else if (max !== undefined) out.push(`at most ${max}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    out.push(
      `${schema.minLength ?? 0} to ${schema.maxLength ?? '∞'} characters`,
    );
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    out.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? '∞'} items`);
  }
  if (typeof schema.pattern === 'string') out.push(`matches ${schema.pattern}`);
  if (typeof schema.format === 'string') out.push(`format ${schema.format}`);
  if (isSchema(schema.items) && Array.isArray(schema.items.enum)) {
    out.push(`items one of ${schema.items.enum.map(show).join(', ')}`);
  }
  return out;
}

/**
 * The parameters of a buffet item's JSON Schema as a flat list, nested
 * objects as dotted paths (a parameter is required when it and every parent
 * are), so a person can read what the order form will ask.
 * @public
 */
export function flattenParameterSchema(schema: unknown): ParameterRow[] {
  const rows: ParameterRow[] = [];
  const walk = (
    node: Schema,
    prefix: string,
    parentRequired: boolean,
    depth: number,
  ) => {
    const properties = isSchema(node.properties) ? node.properties : {};
    const required = new Set(
      Array.isArray(node.required) ? (node.required as string[]) : [],
    );
    for (const [key, value] of Object.entries(properties)) {
      if (!isSchema(value)) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const isRequired = parentRequired && required.has(key);
      rows.push({
        path,
        title: typeof value.title === 'string' ? value.title : undefined,
        type: typeOf(value),
        required: isRequired,
        default:
          value.default === undefined
            ? undefined
            : JSON.stringify(value.default),
        constraints: constraintsOf(value),
        description:
          typeof value.description === 'string' ? value.description : undefined,
      });
      if (isSchema(value.properties) && depth < 8)
        walk(value, path, isRequired, depth + 1);
    }
  };
  if (isSchema(schema)) walk(schema, '', true, 0);
  return rows;
}
