/**
 * Test kits for implementations of Nestor's backend interfaces.
 *
 * @packageDocumentation
 */

export { runNestorStoreContractTests } from './testing/runNestorStoreContractTests';
export type { NestorStoreContractFactory } from './testing/contract/types';
export { createTestResourceDefinition } from './testing/createTestResourceDefinition';
export type { TestResourceDefinitionOptions } from './testing/createTestResourceDefinition';
export { createTestDeployment } from './testing/createTestDeployment';
export type { TestDeploymentOptions } from './testing/createTestDeployment';
export { createTestRenderContext } from './testing/createTestRenderContext';
export type { TestRenderContextOptions } from './testing/createTestRenderContext';
