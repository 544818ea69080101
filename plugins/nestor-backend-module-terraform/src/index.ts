/**
 * The Terraform deployment engine of Nestor: tofu-controller objects for
 * GitOps, the terraform CLI for direct deployments.
 *
 * @packageDocumentation
 */

export { nestorModuleTerraformEngine as default } from './module';
export { TerraformEngine } from './TerraformEngine';
export { terraformEngineConfigSchema } from './config/terraformEngineConfigSchema';
export type {
  TerraformEngineConfig,
  TerraformEngineConfigInput,
  TerraformStateBackend,
} from './config/terraformEngineConfigSchema';
export {
  TerraformCli,
  TerraformCommandError,
  TERRAFORM_FILES,
  hashFiles,
} from './direct/TerraformCli';
export type {
  TerraformWorkspaceRecord,
  TerraformFiles,
  TerraformDeploymentRef,
} from './direct/TerraformCli';
export {
  renderRootModule,
  hclString,
  HCL_IDENTIFIER,
  RESERVED_MODULE_ARGUMENTS,
} from './render/renderRootModule';
export type { RootModuleInput } from './render/renderRootModule';
export { renderStateBackend } from './render/renderStateBackend';
export {
  renderTerraformObject,
  outputsSecretName,
} from './render/renderTerraformObject';
export { resolveModuleInputs } from './render/resolveModuleInputs';
export { moduleSourceKind, resolveModuleSource } from './render/moduleSource';
export { terraformObjectStatus } from './status/terraformObjectStatus';
export { validateTerraformBlock } from './validation/validateTerraformBlock';
export { parameterProbe } from './validation/parameterProbe';
