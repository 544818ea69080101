/**
 * Scaffolder actions that order and check Nestor deployments:
 * `nestor:deploy`, `nestor:dependencies:validate`, `nestor:catalog:get`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleNestorActions as default } from './module';
export { createDeployAction } from './actions/deploy';
export { createValidateDependenciesAction } from './actions/dependencies/validate';
export { createGetCatalogItemAction } from './actions/catalog/get';
export { NestorClientFactory } from './services/NestorClientFactory';
export { resolveDependsOn } from './services/resolveDependsOn';
export { waitForDeployment } from './services/waitForDeployment';
export type { WaitForDeploymentOptions } from './services/waitForDeployment';
export {
  describeNestorError,
  formatReason,
} from './services/describeNestorError';
export type { NestorReason } from './services/describeNestorError';
export { readVerdict } from './services/readVerdict';
