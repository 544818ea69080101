import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import {
  EngineValidationIssue,
  checkParameterReferences,
} from '@nestor/plugin-nestor-node';
import { moduleSourceKind } from '../render/moduleSource';
import {
  HCL_IDENTIFIER,
  RESERVED_MODULE_ARGUMENTS,
} from '../render/renderRootModule';
import { resolveModuleInputs } from '../render/resolveModuleInputs';
import { parameterProbe } from './parameterProbe';

/**
 * Checks a buffet item for the Terraform engine: a block, a version only on
 * registry sources, module inputs and outputs Terraform accepts as names,
 * sensitive outputs among the declared ones, and `${param}` references that
 * every order the parameter schema accepts resolves (nestor-node's
 * `checkParameterReferences`, as the other engines check theirs).
 * @public
 */
export function validateTerraformBlock(
  definition: ResourceDefinition,
): EngineValidationIssue[] {
  const block = definition.spec.terraform;
  if (!block)
    return [
      {
        field: 'spec.terraform',
        message: 'the terraform engine needs a spec.terraform block',
      },
    ];
  const issues: EngineValidationIssue[] = [];
  if (block.version && moduleSourceKind(block.module) !== 'registry') {
    issues.push({
      field: 'spec.terraform.version',
      message: `a version applies to registry modules only, not to "${block.module}"`,
    });
  }
  const probe = parameterProbe(definition.spec.parameters);
  let inputNames: string[];
  try {
    inputNames = Object.keys(resolveModuleInputs(block, probe));
  } catch {
    // a reference to a field the parameter's schema does not declare: reported below
    inputNames = [...Object.keys(probe), ...Object.keys(block.variables ?? {})];
  }
  for (const name of new Set(inputNames)) {
    if (!HCL_IDENTIFIER.test(name) || RESERVED_MODULE_ARGUMENTS.has(name)) {
      issues.push({
        field:
          block.variables && name in block.variables
            ? `spec.terraform.variables.${name}`
            : `spec.parameters.properties.${name}`,
        message: `"${name}" cannot be a module input (a Terraform identifier other than ${[
          ...RESERVED_MODULE_ARGUMENTS,
        ].join(', ')})`,
      });
    }
  }
  for (const name of definition.spec.outputs) {
    if (!HCL_IDENTIFIER.test(name))
      issues.push({
        field: 'spec.outputs',
        message: `"${name}" is not a Terraform output name`,
      });
  }
  for (const name of block.sensitiveOutputs ?? []) {
    if (!definition.spec.outputs.includes(name)) {
      issues.push({
        field: 'spec.terraform.sensitiveOutputs',
        message: `"${name}" is not one of the item's outputs`,
      });
    }
  }
  issues.push(
    ...checkParameterReferences(
      block.variables ?? {},
      definition.spec.parameters,
      { field: 'spec.terraform.variables' },
    ),
  );
  return issues;
}
