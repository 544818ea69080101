import { substituteParameters } from './substituteParameters';
import { EngineValidationIssue } from './types';

/** The parts of an item's `spec.parameters` JSON Schema the check reads. */
interface ParametersSchema {
  properties?: Record<string, { type?: unknown; default?: unknown; properties?: unknown; required?: unknown } | undefined>;
  required?: unknown;
}

/** Options of {@link checkParameterReferences}. @public */
export interface CheckParameterReferencesOptions {
  /** The field the issues name, e.g. `spec.helm.values`. */
  field: string;
  /**
   * Names the engine resolves itself (a Pulumi program's resources,
   * variables and configuration): a reference whose first segment is one of
   * them is not a parameter reference.
   */
  engineNames?: Iterable<string>;
  /** What a reference may name, for the message. Default `parameter`. */
  referenceKinds?: string;
}

/**
 * Checks the `${...}` references of an engine block against the item's
 * parameters, at catalog sync, so that every order the parameter schema
 * accepts (a 400 at order time otherwise) resolves:
 *
 * - the first segment must name a parameter (or one of `engineNames`);
 * - a referenced parameter must be required or have a default, since an
 *   order without it would leave the reference unresolved;
 * - `${param.a.b}` must follow properties the schema declares, each
 *   required or defaulted, when the schema declares them, and never read a
 *   field of a value that is not an object.
 *
 * `$${...}` is an escape, not a reference.
 * @public
 */
export function checkParameterReferences(
  value: unknown,
  parametersSchema: unknown,
  options: CheckParameterReferencesOptions,
): EngineValidationIssue[] {
  const schema = (parametersSchema ?? {}) as ParametersSchema;
  const engineNames = new Set(options.engineNames ?? []);
  const issues: EngineValidationIssue[] = [];
  // with no parameters every reference is unresolved, so this lists them all without resolving any
  for (const reference of new Set(substituteParameters(value, {}).unresolved)) {
    const segments = reference.split('.').map(s => s.trim());
    const [root] = segments;
    const message = (text: string) => issues.push({ field: options.field, message: `\${${reference}}: ${text}` });
    if (engineNames.has(root.split('[')[0])) continue;
    const problem = pathProblem(schema, segments);
    if (problem === 'unknown-root') {
      const known = Object.keys(schema.properties ?? {});
      message(`"${root}" names no ${options.referenceKinds ?? 'parameter'} (parameters: ${known.join(', ') || 'none'}); write $\${...} for a literal`);
    } else if (problem) {
      message(problem);
    }
  }
  return issues;
}

/** Why an order could lack the value at this path, if it could. */
function pathProblem(schema: ParametersSchema, segments: string[]): string | undefined {
  let current: ParametersSchema | undefined = schema;
  const walked: string[] = [];
  for (const segment of segments) {
    // the item's parameters are the properties it declares; below them, an object without properties is free-form
    const properties: ParametersSchema['properties'] = walked.length === 0 ? current?.properties ?? {} : current?.properties;
    if (!properties) return undefined;
    const property = Object.prototype.hasOwnProperty.call(properties, segment) ? properties[segment] : undefined;
    const name = [...walked, segment].join('.');
    if (!property) return walked.length === 0 ? 'unknown-root' : `the parameter schema has no property "${name}"`;
    const required = Array.isArray(current!.required) && current!.required.includes(segment);
    if (!required && property.default === undefined) {
      return `parameter "${name}" is optional without a default, so an order may leave it out; make it required or give it a default`;
    }
    const next = segments[walked.length + 1];
    const types = Array.isArray(property.type) ? property.type : [property.type];
    if (next !== undefined && property.type !== undefined && !types.includes('object')) {
      return `parameter "${name}" is of type ${types.join(' or ')}: it has no field "${next}"`;
    }
    walked.push(segment);
    current = property as ParametersSchema;
  }
  return undefined;
}
