/*
 * TEST ONLY. The operations of docs/openapi.yaml, read from the spec as the
 * fuzz test needs them: path, query and header parameters with their
 * schemas, the request body schema and the documented statuses.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** A JSON schema as the spec writes it (the subset Nestor's spec uses). */
export interface SpecSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, SpecSchema>;
  required?: string[];
  additionalProperties?: boolean | SpecSchema;
  items?: SpecSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

/** One parameter of an operation. */
export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: SpecSchema;
}

/** One documented operation. */
export interface SpecOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** the spec's path, e.g. `/deployments/{id}` */
  path: string;
  parameters: SpecParameter[];
  body?: { required: boolean; schema: SpecSchema };
  /** documented response statuses, e.g. `['200', '400']` */
  statuses: string[];
  /** false when the operation declares `security: []` */
  authenticated: boolean;
}

/** The parsed spec, with `$ref`s resolvable by {@link resolveRef}. */
export interface OpenApiSpec {
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** docs/openapi.yaml of this repository. */
export function readOpenApiSpec(): OpenApiSpec {
  const file = path.resolve(__dirname, '../../../../../docs/openapi.yaml');
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}

/** Follows a local `$ref` (`#/components/...`) until it reaches a definition. */
export function resolveRef<T>(
  spec: OpenApiSpec,
  value: T & { $ref?: string },
): T {
  let current: any = value;
  for (let hops = 0; current?.$ref && hops < 20; hops++) {
    const parts = String(current.$ref).replace(/^#\//, '').split('/');
    current = parts.reduce((node: any, key) => node?.[key], spec);
    if (current === undefined)
      throw new Error(`unresolved $ref ${value.$ref} in docs/openapi.yaml`);
  }
  return current;
}

/** Every operation of the spec, with its parameters resolved. */
export function specOperations(spec: OpenApiSpec): SpecOperation[] {
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    METHODS.filter(m => item[m]).map(method => {
      const op = item[method];
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map(raw => resolveRef<any>(spec, raw))
        .map(param => ({
          name: param.name,
          in: param.in,
          required: Boolean(param.required),
          schema: param.schema ?? { type: 'string' },
        }));
      const content = op.requestBody?.content?.['application/json'];
      return {
        method,
        path: p,
        parameters,
        body: content
          ? {
              required: Boolean(op.requestBody.required),
              schema: content.schema ?? {},
            }
          : undefined,
        statuses: Object.keys(op.responses ?? {}),
        authenticated: !(
          Array.isArray(op.security) && op.security.length === 0
        ),
      };
    }),
  );
}
