/**
 * The Pulumi deployment engine of Nestor: Program and Stack objects for the
 * Pulumi Kubernetes Operator, or the pulumi CLI for direct deployments.
 *
 * @packageDocumentation
 */

export { nestorModulePulumiEngine as default } from './module';
export { PulumiEngine } from './PulumiEngine';
export { pulumiEngineConfigSchema } from './config/pulumiEngineConfigSchema';
export type { PulumiEngineConfig, PulumiEngineConfigInput } from './config/pulumiEngineConfigSchema';
export { renderPulumiObjects } from './render/renderPulumiObjects';
export { resolvePulumiProgram, checkPulumiReferences } from './render/resolvePulumiProgram';
export type { ResolvedPulumiProgram } from './render/resolvePulumiProgram';
export { pulumiStackName } from './render/pulumiNames';
export { stackStatus } from './status/stackStatus';
export { PulumiCli } from './automation/PulumiCli';
export type { PulumiWorkspaceRecord } from './automation/PulumiCli';
