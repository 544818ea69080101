/**
 * The Nestor backend plugin.
 *
 * @packageDocumentation
 */

export { nestorPlugin as default } from './plugin';
export { readNestorConfig } from './config/readNestorConfig';
export type { NestorConfig, NestorSourceConfig } from './config/readNestorConfig';
export { CallerResolver, callerActsFor } from './services/caller/CallerResolver';
export type { Caller } from './services/caller/CallerResolver';
export { EngineRegistry } from './services/engines/EngineRegistry';
export { ReadinessChecker } from './services/health/ReadinessChecker';
export { KubernetesClusters } from './services/kubernetes/KubernetesClusters';
export { KubernetesClusterClient, NESTOR_FIELD_MANAGER } from './services/kubernetes/KubernetesClusterClient';
export type { KubernetesClusterConfig } from './services/kubernetes/KubernetesClusterClient';
export {
  nestorDeploymentConditions,
  createNestorDeploymentConditionalDecision,
  nestorCatalogItemConditions,
  createNestorCatalogItemConditionalDecision,
} from './permissions/conditionExports';
export { nestorDeploymentRules, nestorCatalogItemRules } from './permissions/rules';
export { nestorDeploymentResourceRef } from './permissions/deploymentResourceRef';
export type { NestorDeploymentResource, NestorDeploymentFilter } from './permissions/deploymentResourceRef';
export { nestorCatalogItemResourceRef } from './permissions/catalogItemResourceRef';
export type { NestorCatalogItemFilter } from './permissions/catalogItemResourceRef';
