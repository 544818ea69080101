import { z } from 'zod';
import { ResourceDefinition, resourceDefinitionSchema } from './ResourceDefinition';
import { TeamConfig, teamConfigSchema } from './TeamConfig';

/** One failing field. @public */
export interface FieldIssue {
  /** dotted path of the field, e.g. `spec.parameters` */
  field: string;
  message: string;
}

/**
 * Turns a zod error into one entry per failing field.
 * @public
 */
export function formatZodIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map(issue => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return { field, message: `unknown field(s): ${issue.keys.join(', ')}` };
    }
    return { field, message: issue.message };
  });
}

/** A Nestor document after validation. @public */
export type NestorDocument =
  | { kind: 'ResourceDefinition'; value: ResourceDefinition }
  | { kind: 'TeamConfig'; value: TeamConfig };

/** The result of validating one document. @public */
export type DocumentValidationResult =
  | { ok: true; document: NestorDocument }
  | { ok: false; kind?: string; issues: FieldIssue[] };

/**
 * Validates one parsed YAML/JSON document, routing it by `kind`.
 * @public
 */
export function validateNestorDocument(doc: unknown): DocumentValidationResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, issues: [{ field: '(root)', message: 'document must be a mapping' }] };
  }
  const rawKind = (doc as { kind?: unknown }).kind;
  const kind = typeof rawKind === 'string' ? rawKind : undefined;
  const schemas: Record<string, z.ZodType<unknown>> = {
    ResourceDefinition: resourceDefinitionSchema,
    TeamConfig: teamConfigSchema,
  };
  const schema = kind ? schemas[kind] : undefined;
  if (!schema) {
    return {
      ok: false,
      kind,
      issues: [{ field: 'kind', message: `unknown kind ${JSON.stringify(rawKind)}, expected ResourceDefinition or TeamConfig` }],
    };
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    return { ok: false, kind, issues: formatZodIssues(parsed.error) };
  }
  return { ok: true, document: { kind: kind!, value: parsed.data } as NestorDocument };
}
