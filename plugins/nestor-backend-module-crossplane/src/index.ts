/**
 * The Crossplane deployment engine for Nestor.
 *
 * @packageDocumentation
 */

export { nestorModuleCrossplane as default } from './module';
export { CrossplaneEngine } from './engine/CrossplaneEngine';
export type { CrossplaneEngineOptions } from './engine/CrossplaneEngine';
export { readCrossplaneStatus } from './engine/readCrossplaneStatus';
export { generateCompositeResourceDefinition, itemLabels } from './manifests/generateCompositeResourceDefinition';
export { generateComposition } from './manifests/generateComposition';
export type { PipelineStep } from './manifests/generateComposition';
export { renderCrossplaneObject, connectionSecretName } from './manifests/renderCrossplaneObject';
export { toStructuralSchema } from './manifests/toStructuralSchema';
export { crossplaneNames, pluralOfKind, toLabelValue } from './manifests/crossplaneNames';
export type { CrossplaneNames } from './manifests/crossplaneNames';
