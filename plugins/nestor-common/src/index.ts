/**
 * Models, API types, permissions and the client of Nestor, shared by its
 * backend modules, frontend plugin and processors.
 *
 * @packageDocumentation
 */

export * from './models/primitives';
export * from './models/deploymentRef';
export * from './models/engineBlocks';
export * from './models/ResourceDefinition';
export * from './models/TeamConfig';
export * from './models/DeploymentRequest';
export * from './models/Deployment';
export * from './models/Dependency';
export * from './models/NestorEvent';
export * from './models/CatalogItem';
export * from './models/validateDocument';
export * from './models/jsonSchemas';
export * from './api/types';
export * from './permissions/permissions';
export * from './client/NestorClient';
export * from './client/EventStreamParser';
export * from './catalog/entityAnnotations';
