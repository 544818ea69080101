import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { EngineValidationIssue, KubernetesObject } from '@nestor/plugin-nestor-node';
import { crossplaneNames, pluralOfKind, toLabelValue } from './crossplaneNames';
import { toStructuralSchema } from './toStructuralSchema';

/** Labels on everything the engine generates for a buffet item. @public */
export function itemLabels(definition: ResourceDefinition): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'nestor',
    'nestor.io/resource': definition.metadata.name,
    'nestor.io/resource-version': toLabelValue(definition.spec.version),
  };
}

/**
 * The `CompositeResourceDefinition` of a buffet item: its XR's group, kind
 * and version from `spec.crossplane`, its schema from `spec.parameters`
 * (under `spec.parameters` of the XR) and its outputs as status fields.
 * With a `claimKind`, a claim-style XRD (`apiextensions.crossplane.io/v1`,
 * the only served version that still offers claims, with the outputs as
 * connection secret keys); otherwise a namespaced XR on
 * `apiextensions.crossplane.io/v2`.
 * @public
 */
export function generateCompositeResourceDefinition(definition: ResourceDefinition): {
  object: KubernetesObject;
  issues: EngineValidationIssue[];
} {
  const names = crossplaneNames(definition);
  const { schema: parameters, issues } = toStructuralSchema(definition.spec.parameters);
  const required = Array.isArray((definition.spec.parameters as { required?: unknown }).required) ? ['parameters'] : [];
  const outputs = definition.spec.outputs;
  const openAPIV3Schema = {
    type: 'object',
    description: definition.metadata.description ?? definition.metadata.title ?? definition.metadata.name,
    properties: {
      spec: {
        type: 'object',
        ...(required.length > 0 ? { required } : {}),
        properties: { parameters },
      },
      status: {
        type: 'object',
        properties: Object.fromEntries(
          outputs.map(o => [o, { description: `output "${o}" of ${definition.metadata.name}`, 'x-kubernetes-preserve-unknown-fields': true }]),
        ),
      },
    },
  };
  if (names.claimStyle && names.block.claimKind === names.block.kind) {
    issues.push({ field: 'crossplane.claimKind', message: 'the claim kind must differ from the XR kind' });
  }
  const spec: Record<string, unknown> = {
    group: names.block.group,
    names: { kind: names.block.kind, plural: names.plural, categories: ['nestor'] },
    defaultCompositionRef: { name: names.compositionName },
    versions: [{ name: names.block.version, served: true, referenceable: true, schema: { openAPIV3Schema } }],
  };
  if (names.claimStyle) {
    spec.claimNames = { kind: names.block.claimKind, plural: pluralOfKind(names.block.claimKind!), categories: ['nestor'] };
    if (outputs.length > 0) spec.connectionSecretKeys = outputs;
  } else {
    spec.scope = 'Namespaced';
  }
  return {
    object: {
      apiVersion: names.claimStyle ? 'apiextensions.crossplane.io/v1' : 'apiextensions.crossplane.io/v2',
      kind: 'CompositeResourceDefinition',
      metadata: { name: names.xrdName, labels: itemLabels(definition) },
      spec,
    },
    issues,
  };
}
