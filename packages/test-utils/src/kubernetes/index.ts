export { KubernetesTestServer } from './KubernetesTestServer';
export type { KubernetesRequestRecord, KubernetesFailureInjection, KubernetesHeldRequest } from './KubernetesTestServer';
export { KubernetesObjectStore } from './KubernetesObjectStore';
export type { KubernetesJsonObject, KubernetesWatchEvent, KubernetesWriteOptions, KubernetesPatchType } from './KubernetesObjectStore';
export {
  KubernetesResourceRegistry,
  BUILTIN_RESOURCE_TYPES,
  splitApiVersion,
  formatApiVersion,
} from './KubernetesResourceRegistry';
export type { KubernetesResourceType } from './KubernetesResourceRegistry';
export { KubernetesApiError } from './KubernetesApiError';
export { ManagedFields } from './ManagedFields';
export { CrdSchemaValidator } from './CrdSchemaValidator';
export type { SchemaViolation } from './CrdSchemaValidator';
export { applyMergePatch } from './applyMergePatch';
export { jsonEqual, isPlainObject } from './jsonEqual';
export { applyJsonPatch } from './applyJsonPatch';
export type { JsonPatchOperation } from './applyJsonPatch';
export { parseLabelSelector, parseFieldSelector } from './matchesSelectors';
