import { HelmBlock } from '@nestor/plugin-nestor-common';
import { substituteParameters } from '@nestor/plugin-nestor-node';
import { mergeValues } from './mergeValues';

/** The values of one deployment, layer by layer. @public */
export interface ResolvedHelmValues {
  /** `values`, with `${param}` resolved */
  base: Record<string, unknown>;
  /** `environmentValues`, each resolved, for every environment of the item */
  environments: Record<string, Record<string, unknown>>;
  /** the order's parameters that no value references: merged at the top level */
  passThrough: Record<string, unknown>;
  /** base, then the deployment's environment, then the pass-through parameters */
  merged: Record<string, unknown>;
  /** references that name no parameter */
  unresolved: string[];
}

/**
 * Resolves a Helm block's values for one deployment. A parameter referenced
 * as `${param}` in any layer goes where it is referenced (in every
 * environment); the others are merged at the top level, last. `$${` writes a
 * literal `${`.
 * @public
 */
export function resolveHelmValues(
  block: HelmBlock,
  options: { environment: string; environments: string[]; parameters: Record<string, unknown> },
): ResolvedHelmValues {
  const base = substituteParameters(block.values ?? {}, options.parameters, { unescape: true });
  const used = new Set(base.used);
  const unresolved = [...base.unresolved];
  const environments: Record<string, Record<string, unknown>> = {};
  for (const environment of options.environments) {
    const layer = substituteParameters(block.environmentValues?.[environment] ?? {}, options.parameters, { unescape: true });
    layer.used.forEach(name => used.add(name));
    unresolved.push(...layer.unresolved);
    environments[environment] = layer.value;
  }
  const passThrough = Object.fromEntries(Object.entries(options.parameters).filter(([name]) => !used.has(name)));
  return {
    base: base.value,
    environments,
    passThrough,
    merged: mergeValues(base.value, environments[options.environment], passThrough),
    unresolved: [...new Set(unresolved)],
  };
}
