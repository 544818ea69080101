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
export { CatalogSyncService } from './services/catalog/CatalogSyncService';
export type { CatalogSyncServiceOptions, CatalogSyncSource } from './services/catalog/CatalogSyncService';
export type { SourceSyncResult } from './services/catalog/sync/runSourceSync';
export { CatalogService } from './services/catalog/CatalogService';
export { GitSourceReader } from './services/catalog/sources/GitSourceReader';
export { LocalSourceReader } from './services/catalog/sources/LocalSourceReader';
export { CliGitClient } from './services/catalog/sources/CliGitClient';
export { IsomorphicGitClient } from './services/catalog/sources/IsomorphicGitClient';
export { GitCredentialsResolver } from './services/catalog/sources/GitCredentialsResolver';
export type { GitAuth, GitClient, SourceChanges, SourceReader, SourceSnapshot } from './services/catalog/sources/types';
export { verifyWebhookSignature } from './services/catalog/webhooks/verifyWebhookSignature';
export type { WebhookHeaders, WebhookProvider } from './services/catalog/webhooks/verifyWebhookSignature';
export { EngineRegistry } from './services/engines/EngineRegistry';
export { DatabaseNestorStore } from './stores/database/DatabaseNestorStore';
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
export { DependencyService } from './services/dependencies/DependencyService';
export type {
  DependencyServiceOptions,
  DependencyStore,
  DependencyRequest,
  DeploymentOrder,
} from './services/dependencies/DependencyService';
export { createDependenciesRoutes } from './routes/dependencies';
export type { DependenciesRoutesOptions, ResolveDependencyCaller } from './routes/dependencies';
