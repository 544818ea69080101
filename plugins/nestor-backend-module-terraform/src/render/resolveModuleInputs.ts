import { TerraformBlock } from '@nestor/plugin-nestor-common';
import { substituteParameters } from '@nestor/plugin-nestor-node';

/**
 * The module inputs of a deployment: the block's `variables` with
 * `${param}` resolved, then every parameter none of them references, under
 * its own name. Sorted by name, so the rendered files do not change with the
 * order of the order's fields.
 * @public
 */
export function resolveModuleInputs(
  block: TerraformBlock,
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const fixed = substituteParameters(block.variables ?? {}, parameters, {
    unescape: true,
  });
  const passThrough = Object.entries(parameters).filter(
    ([name]) => !fixed.used.has(name),
  );
  const inputs: Record<string, unknown> = {
    ...Object.fromEntries(passThrough),
    ...fixed.value,
  };
  return Object.fromEntries(
    Object.keys(inputs)
      .sort()
      .map(name => [name, inputs[name]]),
  );
}
