export { EngineScenario } from './EngineScenario';
export type { EngineScenarioOptions } from './EngineScenario';
export { startNestorTestBackend, TEST_USER } from './startNestorTestBackend';
export type {
  NestorTestBackend,
  NestorTestBackendOptions,
} from './startNestorTestBackend';
export { EventRecorder } from './EventRecorder';
export { waitFor, waitForPhase } from './waitFor';
export { spawnBackendProcess } from './spawnBackendProcess';
export type { BackendProcess } from './spawnBackendProcess';
