/**
 * A team-aware permission policy for Nestor, driven by `app-config.yaml`,
 * and the conditions to write your own.
 *
 * @packageDocumentation
 */

export { permissionModuleNestorPolicy as default } from './module';
export { NestorPermissionPolicy, nestorTeamsOf } from './NestorPermissionPolicy';
export { readNestorPolicyConfig } from './readNestorPolicyConfig';
export type { NestorPolicyConfig, NestorPolicyAction } from './readNestorPolicyConfig';
export {
  nestorDeploymentConditions,
  createNestorDeploymentConditionalDecision,
  nestorCatalogItemConditions,
  createNestorCatalogItemConditionalDecision,
} from '@nestor/plugin-nestor-backend';
