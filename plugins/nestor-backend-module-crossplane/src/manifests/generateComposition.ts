import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineValidationIssue, KubernetesObject } from '@nestor/plugin-nestor-node';
import { crossplaneNames } from './crossplaneNames';
import { itemLabels } from './generateCompositeResourceDefinition';

/** One step of a Composition pipeline. @public */
export interface PipelineStep {
  step: string;
  functionRef: { name: string };
  input?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The pipeline-mode `Composition` (`apiextensions.crossplane.io/v1`) of a
 * buffet item: its steps from `spec.crossplane.composition.functions`, or
 * the engine's default pipeline when the item has none.
 * @public
 */
export function generateComposition(
  definition: ResourceDefinition,
  options: { defaultPipeline?: PipelineStep[] } = {},
): { object: KubernetesObject; issues: EngineValidationIssue[] } {
  const names = crossplaneNames(definition);
  const steps = (names.block.composition?.functions as PipelineStep[] | undefined) ?? options.defaultPipeline ?? [];
  const issues: EngineValidationIssue[] = [];
  if (steps.length === 0) {
    issues.push({
      field: 'crossplane.composition.functions',
      message: 'a pipeline step is required (set nestor.engines.crossplane.defaultPipeline to give items without one a default)',
    });
  }
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (seen.has(s.step)) issues.push({ field: `crossplane.composition.functions[${i}].step`, message: `step "${s.step}" appears twice` });
    seen.add(s.step);
    if (s.input && (typeof s.input.apiVersion !== 'string' || typeof s.input.kind !== 'string')) {
      issues.push({ field: `crossplane.composition.functions[${i}].input`, message: 'a function input is a Kubernetes object: apiVersion and kind are required' });
    }
  });
  return {
    object: {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'Composition',
      metadata: { name: names.compositionName, labels: itemLabels(definition) },
      spec: {
        compositeTypeRef: { apiVersion: names.apiVersion, kind: names.block.kind },
        mode: 'Pipeline',
        pipeline: steps,
      },
    },
    issues,
  };
}
