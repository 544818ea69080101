import { NestorDocument, validateNestorDocument } from '@nestor/plugin-nestor-common';
import Ajv, { ErrorObject } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import semver from 'semver';

/** One failing field, with its path for line lookup. @public */
export interface DefinitionIssue {
  path: Array<string | number>;
  /** dotted form of `path` */
  field: string;
  message: string;
}

/** @public */
export type DefinitionValidationResult =
  | { ok: true; document: NestorDocument }
  | { ok: false; kind?: string; name?: string; issues: DefinitionIssue[] };

/** Item names the API cannot serve under `/catalog/{name}`. */
const RESERVED_NAMES = new Set(['sources']);

function createAjv<T extends Ajv>(AjvClass: new (opts: object) => T): T {
  const ajv = new AjvClass({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const metaValidators: Record<string, Ajv> = {
  'http://json-schema.org/draft-07/schema': createAjv(Ajv),
  'https://json-schema.org/draft/2019-09/schema': createAjv(Ajv2019),
  'https://json-schema.org/draft/2020-12/schema': createAjv(Ajv2020),
};
const DEFAULT_DRAFT = 'http://json-schema.org/draft-07/schema';

/**
 * Validates one parsed document with the shared schemas (routing by `kind`)
 * and adds the checks zod cannot express: `spec.parameters` must be a valid
 * JSON Schema of an object (draft-07 unless its `$schema` names 2019-09 or
 * 2020-12), every `requires[].version` a valid semver range, and the name
 * must not be reserved by the API. Every failing field is reported.
 * @public
 */
export function validateDefinition(raw: unknown): DefinitionValidationResult {
  const result = validateNestorDocument(raw);
  const name = readName(raw);
  if (!result.ok) {
    return { ok: false, kind: result.kind, name, issues: result.issues.map(i => issue(splitField(i.field), i.message)) };
  }
  if (result.document.kind !== 'ResourceDefinition') return result;

  const definition = result.document.value;
  const issues: DefinitionIssue[] = [];
  if (RESERVED_NAMES.has(definition.metadata.name)) {
    issues.push(issue(['metadata', 'name'], `"${definition.metadata.name}" is reserved by the API`));
  }
  issues.push(...checkParameters(definition.spec.parameters));
  definition.spec.requires.forEach((requirement, i) => {
    if (semver.validRange(requirement.version) === null) {
      issues.push(issue(['spec', 'requires', i, 'version'], `"${requirement.version}" is not a valid semver range`));
    }
  });
  if (issues.length > 0) return { ok: false, kind: 'ResourceDefinition', name, issues };
  return result;
}

function checkParameters(parameters: Record<string, unknown>): DefinitionIssue[] {
  const base = ['spec', 'parameters'];
  const declared = typeof parameters.$schema === 'string' ? parameters.$schema.replace(/#$/, '') : DEFAULT_DRAFT;
  const ajv = metaValidators[declared];
  if (!ajv) {
    return [
      issue([...base, '$schema'], `unsupported $schema "${declared}", expected draft-07, 2019-09 or 2020-12`),
    ];
  }
  if (!ajv.validateSchema(parameters)) {
    return onePerField((ajv.errors ?? []).map(e => ajvIssue(base, e)));
  }
  const badPatterns = findBadPatterns(parameters, base);
  if (badPatterns.length > 0) return badPatterns;
  if (parameters.type !== 'object') {
    return [issue([...base, 'type'], 'must be "object": parameters are the fields an order fills in')];
  }
  return [];
}

/**
 * Meta-schema validation skips `format: regex`, so the regular expressions
 * of `pattern` and `patternProperties` are compiled here (as Ajv will, with
 * the `u` flag).
 */
function findBadPatterns(schema: unknown, path: Array<string | number>): DefinitionIssue[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const issues: DefinitionIssue[] = [];
  const check = (pattern: unknown, at: Array<string | number>) => {
    if (typeof pattern !== 'string') return;
    try {
      new RegExp(pattern, 'u'); // eslint-disable-line no-new
    } catch (error) {
      issues.push(issue(at, `not a valid JSON Schema: invalid regular expression (${(error as Error).message})`));
    }
  };
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' && !Array.isArray(schema)) check(value, [...path, key]);
    if (key === 'patternProperties' && value && typeof value === 'object') {
      for (const p of Object.keys(value)) check(p, [...path, key, p]);
    }
    if (typeof value === 'object' && value !== null && key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples') {
      issues.push(...findBadPatterns(value, [...path, Array.isArray(schema) ? Number(key) : key]));
    }
  }
  return issues;
}

function ajvIssue(base: string[], error: ErrorObject): DefinitionIssue & { keyword: string } {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const detail =
    error.keyword === 'enum' && Array.isArray(error.params.allowedValues)
      ? `: ${error.params.allowedValues.map(v => JSON.stringify(v)).join(', ')}`
      : '';
  return {
    ...issue([...base, ...segments], `not a valid JSON Schema: ${error.message ?? error.keyword}${detail}`),
    keyword: error.keyword,
  };
}

/**
 * A wrong keyword fails several meta-schema branches (for `type: huge`: the
 * enum of type names, "must be array", and the `anyOf` around both); the
 * first specific one is kept per field.
 */
function onePerField(issues: Array<DefinitionIssue & { keyword: string }>): DefinitionIssue[] {
  const byField = new Map<string, DefinitionIssue & { keyword: string }>();
  for (const i of issues) {
    const kept = byField.get(i.field);
    if (!kept || (kept.keyword === 'anyOf' && i.keyword !== 'anyOf') || (i.keyword === 'enum' && kept.keyword !== 'enum')) {
      byField.set(i.field, i);
    }
  }
  return [...byField.values()].map(({ keyword: _keyword, ...i }) => i);
}

function issue(path: Array<string | number>, message: string): DefinitionIssue {
  return { path, field: path.join('.') || '(root)', message };
}

function splitField(field: string): Array<string | number> {
  if (field === '(root)') return [];
  return field.split('.').map(s => (/^\d+$/.test(s) ? Number(s) : s));
}

function readName(raw: unknown): string | undefined {
  const name = (raw as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}
