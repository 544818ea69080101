import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isPlainObject } from './jsonEqual';

/** A field an object fails on. @public */
export interface SchemaViolation {
  field: string;
  message: string;
}

const DROPPED_KEYWORDS = new Set([
  'description',
  'example',
  'externalDocs',
  'default',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'nullable',
]);

const OBJECT_META = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
    generateName: { type: 'string' },
    namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
  },
};

/**
 * Validates Kubernetes objects against the OpenAPI v3 schema of a
 * `CustomResourceDefinition` version with ajv, the way the API server checks
 * structural schemas: types, required fields, enums, patterns, and unknown
 * fields (an error here, where the API server would silently prune them, so
 * a typo cannot go unnoticed). CEL rules (`x-kubernetes-validations`) are
 * not evaluated; {@link CrdSchemaValidator.celRules} lists them for tests
 * that check them by hand.
 * @public
 */
export class CrdSchemaValidator {
  readonly #validate: ValidateFunction;
  readonly #celRules: Array<{ path: string; rule: string; message?: string }>;

  /** The validator of one served version of a CRD object (the storage version by default). */
  static fromCrd(crd: Record<string, any>, version?: string): CrdSchemaValidator {
    const versions: any[] = crd?.spec?.versions ?? [];
    const v = version ? versions.find(x => x.name === version) : versions.find(x => x.storage) ?? versions[0];
    if (!v) {
      throw new Error(`CRD ${crd?.metadata?.name} has no version ${version ?? '(none at all)'}`);
    }
    if (!v.served) {
      throw new Error(`CRD ${crd?.metadata?.name} does not serve version ${v.name}`);
    }
    if (!v.schema?.openAPIV3Schema) {
      throw new Error(`CRD ${crd?.metadata?.name} version ${v.name} has no openAPIV3Schema`);
    }
    return new CrdSchemaValidator(v.schema.openAPIV3Schema);
  }

  static fromSchema(openAPIV3Schema: Record<string, unknown>): CrdSchemaValidator {
    return new CrdSchemaValidator(openAPIV3Schema);
  }

  private constructor(openAPIV3Schema: Record<string, unknown>) {
    this.#celRules = [];
    const root = toJsonSchema(openAPIV3Schema, '', this.#celRules);
    root.required = [...new Set([...(root.required ?? []), 'apiVersion', 'kind', 'metadata'])];
    root.properties = {
      ...root.properties,
      apiVersion: { type: 'string', minLength: 1 },
      kind: { type: 'string', minLength: 1 },
      metadata: OBJECT_META,
    };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('int32', { type: 'number', validate: n => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: n => Number.isInteger(n) });
    ajv.addFormat('double', { type: 'number', validate: () => true });
    ajv.addFormat('float', { type: 'number', validate: () => true });
    ajv.addFormat('quantity', /^[+-]?\d+(\.\d+)?([eE][+-]?\d+|[KMGTPE]i?|[munkMGTPE])?$/);
    this.#validate = ajv.compile(root);
  }

  /** Every violation (empty when valid). */
  validate(object: unknown): SchemaViolation[] {
    if (this.#validate(object)) return [];
    return (this.#validate.errors ?? []).map(e => {
      const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
      let extra: string | undefined;
      if (e.keyword === 'additionalProperties') extra = (e.params as { additionalProperty: string }).additionalProperty;
      else if (e.keyword === 'required') extra = (e.params as { missingProperty: string }).missingProperty;
      const field = [base, extra].filter(Boolean).join('.') || '(root)';
      const message = e.keyword === 'additionalProperties' ? 'unknown field' : e.message ?? e.keyword;
      return { field, message };
    });
  }

  /** The CEL rules of the schema, which ajv cannot evaluate. */
  celRules(): Array<{ path: string; rule: string; message?: string }> {
    return [...this.#celRules];
  }
}


function toJsonSchema(node: unknown, path: string, cel: Array<{ path: string; rule: string; message?: string }>): any {
  if (!isPlainObject(node)) return node;
  const out: Record<string, any> = {};
  for (const rule of (node['x-kubernetes-validations'] as any[]) ?? []) {
    cel.push({ path: path || '.', rule: rule.rule, message: rule.message });
  }
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(k)) continue;
    if (k === 'properties' && isPlainObject(v)) {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s, `${path}.${p}`, cel)]));
    } else if (k === 'items' || k === 'not') {
      out[k] = toJsonSchema(v, `${path}[]`, cel);
    } else if (k === 'additionalProperties' && isPlainObject(v)) {
      out[k] = toJsonSchema(v, `${path}.*`, cel);
    } else if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) {
      out[k] = v.map(s => toJsonSchema(s, path, cel));
    } else {
      out[k] = v;
    }
  }
  // OpenAPI 3.0 writes exclusive bounds as booleans next to minimum/maximum
  if (out.exclusiveMinimum === true) {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  } else if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (out.exclusiveMaximum === true) {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  } else if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;

  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['x-kubernetes-embedded-resource'] === true) {
    out.required = [...new Set([...(out.required ?? []), 'apiVersion', 'kind'])];
    out.properties = { apiVersion: { type: 'string', minLength: 1 }, kind: { type: 'string', minLength: 1 }, metadata: { type: 'object' }, ...(out.properties ?? {}) };
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if (node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  return out;
}
