/**
 * Interfaces and extension points through which backend modules extend Nestor.
 *
 * @packageDocumentation
 */

export * from './store/types';
export * from './engines/types';
export { substituteParameters } from './engines/substituteParameters';
export { checkParameterReferences } from './engines/checkParameterReferences';
export type { CheckParameterReferencesOptions } from './engines/checkParameterReferences';
export type { SubstituteParametersOptions, SubstitutionResult } from './engines/substituteParameters';
export { statusFromConditions } from './engines/statusFromConditions';
export type { StatusFromConditionsOptions } from './engines/statusFromConditions';
export { objectArtifact } from './engines/objectArtifact';
export { readArtifactObjects } from './engines/readArtifactObjects';
export { deploymentLabels } from './engines/deploymentLabels';
export { requireKubernetes } from './engines/requireKubernetes';
export { noClusterStatus } from './engines/noClusterStatus';
export { engineLogger } from './engines/engineLogger';
export { readEngineConfig } from './engines/readEngineConfig';
export { runCommand, CommandFailedError } from './engines/runCommand';
export type { RunCommandOptions, CommandResult } from './engines/runCommand';
export { WorkingDirectoryLock } from './engines/WorkingDirectoryLock';
export { EngineWorkspace } from './engines/EngineWorkspace';
export type { WorkingDirectoryLockOptions } from './engines/WorkingDirectoryLock';
export * from './kubernetes/types';
export * from './extensions/extensionPoints';
