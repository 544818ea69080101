import { PulumiBlock } from '@nestor/plugin-nestor-common';
import { EngineValidationIssue, checkParameterReferences, substituteParameters } from '@nestor/plugin-nestor-node';

/** A Pulumi YAML program with the order's parameters written in. @public */
export interface ResolvedPulumiProgram {
  program: {
    configuration?: Record<string, unknown>;
    packages?: Record<string, string>;
    variables?: Record<string, unknown>;
    resources?: Record<string, Record<string, unknown>>;
    outputs?: Record<string, unknown>;
  };
  /** stack configuration (`aws:region`, ...), resolved */
  config: Record<string, unknown>;
}

/** Names Pulumi YAML itself provides in `${...}` expressions. */
const BUILTIN_ROOTS = new Set(['pulumi']);

/**
 * Writes the order's parameters into the program: every `${param}` (or
 * `${param.field}`) becomes the value, typed when it is the whole string.
 * References to the program's own resources, variables and configuration
 * (`${bucket.arn}`) stay for Pulumi to resolve.
 * @public
 */
export function resolvePulumiProgram(block: PulumiBlock, parameters: Record<string, unknown>): ResolvedPulumiProgram {
  const { resources, variables, outputs, configuration, packages } = block.program;
  const program = substituteParameters({ resources, variables, outputs }, parameters).value;
  return {
    program: dropUndefined({ configuration, packages, ...program }),
    config: substituteParameters(block.config ?? {}, parameters).value,
  };
}

/**
 * Checks a program against the item's parameters (`spec.parameters`): a
 * `${name}` must name a parameter, a resource, a variable or a
 * configuration key; a referenced parameter must be one every accepted
 * order has (required or defaulted); the stack `config` may reference
 * parameters only (the operator does not evaluate it); and no parameter may
 * share a name with a resource or variable (the reference would be
 * ambiguous).
 * @public
 */
export function checkPulumiReferences(block: PulumiBlock, parametersSchema: unknown): EngineValidationIssue[] {
  const { resources = {}, variables = {}, configuration = {} } = block.program;
  const programNames = [...Object.keys(resources), ...Object.keys(variables), ...Object.keys(configuration), ...BUILTIN_ROOTS];
  const parameterNames = Object.keys((parametersSchema as { properties?: object } | undefined)?.properties ?? {});
  const issues: EngineValidationIssue[] = [];
  for (const name of parameterNames) {
    if (name in resources || name in variables) {
      issues.push({
        field: 'spec.pulumi.program',
        message: `parameter "${name}" has the name of a ${name in resources ? 'resource' : 'variable'} of the program: rename one of them`,
      });
    }
  }
  for (const key of ['resources', 'variables', 'outputs'] as const) {
    issues.push(
      ...checkParameterReferences(block.program[key] ?? {}, parametersSchema, {
        field: `spec.pulumi.program.${key}`,
        engineNames: programNames,
        referenceKinds: 'parameter, resource, variable or configuration key',
      }),
    );
  }
  issues.push(...checkParameterReferences(block.config ?? {}, parametersSchema, { field: 'spec.pulumi.config' }));
  return issues;
}

function dropUndefined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
