import { ResourceDefinition, resourceDefinitionSchema } from '@nestor/plugin-nestor-common';

/**
 * A namespace with a quota: Kubernetes resources, typed parameters and
 * references to the program's own resources; the document as a buffet file
 * holds it.
 */
export function namespaceDefinitionDocument() {
  return {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name: 'k8s-namespace', owner: 'team-platform', title: 'Kubernetes namespace' },
    spec: {
      type: 'platform.namespace',
      version: '1.1.0',
      engine: 'pulumi',
      parameters: {
        type: 'object',
        required: ['namespaceName'],
        properties: {
          namespaceName: { type: 'string' },
          cpuCores: { type: 'integer', default: 4 },
          memoryGi: { type: 'integer', default: 8 },
          labels: { type: 'object', default: { tier: 'standard' } },
        },
      },
      outputs: ['namespace'],
      environments: ['dev', 'prod'],
      pulumi: {
        program: {
          resources: {
            ns: {
              type: 'kubernetes:core/v1:Namespace',
              properties: { metadata: { name: '${namespaceName}', labels: '${labels}' } },
            },
            quota: {
              type: 'kubernetes:core/v1:ResourceQuota',
              properties: {
                metadata: { name: 'compute', namespace: '${ns.metadata.name}' },
                spec: { hard: { 'requests.cpu': '${cpuCores}', 'requests.memory': '${memoryGi}Gi' } },
              },
            },
          },
          outputs: { namespace: '${ns.metadata.name}', stack: '${pulumi.stack}', escaped: '$${cpuCores}' },
        },
        config: { 'kubernetes:namespace': '${namespaceName}' },
      },
    },
  };
}

/** {@link namespaceDefinitionDocument}, parsed. */
export function namespaceDefinition(): ResourceDefinition {
  return resourceDefinitionSchema.parse(namespaceDefinitionDocument());
}
