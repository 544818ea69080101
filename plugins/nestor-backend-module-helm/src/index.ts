/**
 * The Helm deployment engine of Nestor: Argo CD Applications or Flux
 * HelmReleases, and generated wrapper charts.
 *
 * @packageDocumentation
 */

export { nestorModuleHelmEngine as default } from './module';
export { HelmEngine } from './HelmEngine';
export { helmEngineConfigSchema } from './config/helmEngineConfigSchema';
export type { HelmEngineConfig, HelmEngineConfigInput } from './config/helmEngineConfigSchema';
export { renderArgoApplication, argoApplicationName } from './render/renderArgoApplication';
export { renderFluxHelmRelease } from './render/renderFluxHelmRelease';
export { renderWrapperChart } from './render/renderWrapperChart';
export { resolveHelmValues } from './render/resolveHelmValues';
export type { ResolvedHelmValues } from './render/resolveHelmValues';
export { mergeValues } from './render/mergeValues';
export type { HelmRenderInput } from './render/types';
export { applicationStatus } from './status/applicationStatus';
