import { KubernetesObject } from '@nestor/plugin-nestor-node';

const REF = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
const SELECTOR = { type: 'object', properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } } };
const CONDITIONS = {
  type: 'array',
  items: {
    type: 'object',
    required: ['type', 'status'],
    properties: {
      type: { type: 'string' },
      status: { type: 'string' },
      reason: { type: 'string' },
      message: { type: 'string' },
      lastTransitionTime: { type: 'string', format: 'date-time' },
      observedGeneration: { type: 'integer', format: 'int64' },
    },
  },
};

/**
 * The CRDs Crossplane generates from an XRD (the XR's and, for claim-style
 * XRDs, the claim's), with the fields Crossplane adds to every XR and claim
 * schema. Tests use it to validate rendered claims and to serve those kinds
 * from the Kubernetes test server, doing what Crossplane's definition
 * controller would do on a real cluster.
 */
export function crdsForXrd(xrd: KubernetesObject): KubernetesObject[] {
  const spec = xrd.spec as Record<string, any>;
  const legacy = xrd.apiVersion === 'apiextensions.crossplane.io/v1';
  const version = spec.versions[0];
  const schema = version.schema.openAPIV3Schema;
  const withFields = (extraSpec: Record<string, unknown>) => ({
    ...schema,
    properties: {
      ...schema.properties,
      spec: { ...schema.properties.spec, properties: { ...schema.properties.spec.properties, ...extraSpec } },
      status: {
        ...schema.properties.status,
        properties: { ...schema.properties.status.properties, conditions: CONDITIONS },
        'x-kubernetes-preserve-unknown-fields': true,
      },
    },
  });
  const crd = (kind: string, plural: string, scope: string, s: Record<string, unknown>): KubernetesObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${spec.group}` },
    spec: {
      group: spec.group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: version.name, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: s } }],
    },
  });
  if (!legacy) {
    const crossplane = {
      type: 'object',
      properties: {
        compositionRef: REF,
        compositionSelector: SELECTOR,
        compositionRevisionRef: REF,
        compositionRevisionSelector: SELECTOR,
        compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
        resourceRefs: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    };
    return [crd(spec.names.kind, spec.names.plural, spec.scope ?? 'Namespaced', withFields({ crossplane }))];
  }
  const common = {
    compositionRef: REF,
    compositionSelector: SELECTOR,
    compositionRevisionRef: REF,
    compositionRevisionSelector: SELECTOR,
    compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
    writeConnectionSecretToRef: REF,
  };
  const xr = crd(spec.names.kind, spec.names.plural, 'Cluster', withFields({
    ...common,
    claimRef: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    resourceRefs: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  }));
  const claim = crd(spec.claimNames.kind, spec.claimNames.plural, 'Namespaced', withFields({
    ...common,
    compositeDeletePolicy: { type: 'string', enum: ['Background', 'Foreground'] },
    resourceRef: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  }));
  return [xr, claim];
}
