import { KubernetesApiError } from './KubernetesApiError';

/**
 * One served resource type (a group, version and kind) of the test server.
 * @public
 */
export interface KubernetesResourceType {
  /** API group, `''` for the core group */
  group: string;
  version: string;
  kind: string;
  /** lower case plural used in URLs */
  plural: string;
  singular?: string;
  namespaced: boolean;
  /** whether `status` is a subresource (changed only through `/status`) */
  statusSubresource: boolean;
  /** OpenAPI v3 schema objects of this version are validated against */
  schema?: Record<string, unknown>;
  shortNames?: string[];
  categories?: string[];
}

/** The built-in types the test server always serves. @public */
export const BUILTIN_RESOURCE_TYPES: KubernetesResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, statusSubresource: true, shortNames: ['ns'] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, statusSubresource: false },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, statusSubresource: false, shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, statusSubresource: false, shortNames: ['sa'] },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    statusSubresource: true,
    shortNames: ['crd', 'crds'],
  },
];

/**
 * The types a test server serves: the built-ins, those registered by tests
 * and those defined by `CustomResourceDefinition` objects written to it.
 * @public
 */
export class KubernetesResourceRegistry {
  readonly #types = new Map<string, KubernetesResourceType>();
  readonly #fromCrd = new Map<string, string[]>();

  constructor(types: KubernetesResourceType[] = BUILTIN_RESOURCE_TYPES) {
    for (const t of types) this.register(t);
  }

  register(type: KubernetesResourceType): void {
    this.#types.set(key(type.group, type.version, type.plural), type);
  }

  /** Registers every served version of a CRD object; replaces what it registered before. */
  registerCrd(crd: Record<string, any>): void {
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    if (!spec.group || !names.plural || !names.kind || !Array.isArray(spec.versions)) {
      throw KubernetesApiError.invalid('CustomResourceDefinition', crd.metadata?.name ?? '', [
        { field: 'spec', message: 'group, names.plural, names.kind and versions are required' },
      ]);
    }
    if (crd.metadata?.name !== `${names.plural}.${spec.group}`) {
      throw KubernetesApiError.invalid('CustomResourceDefinition', crd.metadata?.name ?? '', [
        { field: 'metadata.name', message: `must be spec.names.plural+"."+spec.group ("${names.plural}.${spec.group}")` },
      ]);
    }
    this.unregisterCrd(crd.metadata.name);
    const registered: string[] = [];
    for (const v of spec.versions) {
      if (!v.served) continue;
      const type: KubernetesResourceType = {
        group: spec.group,
        version: v.name,
        kind: names.kind,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        statusSubresource: Boolean(v.subresources?.status),
        schema: v.schema?.openAPIV3Schema,
        shortNames: names.shortNames,
        categories: names.categories,
      };
      this.register(type);
      registered.push(key(type.group, type.version, type.plural));
    }
    this.#fromCrd.set(crd.metadata.name, registered);
  }

  unregisterCrd(name: string): void {
    for (const k of this.#fromCrd.get(name) ?? []) this.#types.delete(k);
    this.#fromCrd.delete(name);
  }

  byPlural(group: string, version: string, plural: string): KubernetesResourceType | undefined {
    return this.#types.get(key(group, version, plural));
  }

  byKind(apiVersion: string, kind: string): KubernetesResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return [...this.#types.values()].find(t => t.group === group && t.version === version && t.kind === kind);
  }

  groupVersions(): Array<{ group: string; versions: string[] }> {
    const groups = new Map<string, Set<string>>();
    for (const t of this.#types.values()) {
      if (!groups.has(t.group)) groups.set(t.group, new Set());
      groups.get(t.group)!.add(t.version);
    }
    return [...groups.entries()].map(([group, versions]) => ({ group, versions: [...versions].sort() }));
  }

  typesOf(group: string, version: string): KubernetesResourceType[] {
    return [...this.#types.values()].filter(t => t.group === group && t.version === version);
  }
}

/** Splits `group/version` (or `v1`) into its parts. @public */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `group/version`, or the version alone for the core group. @public */
export function formatApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function key(group: string, version: string, plural: string) {
  return `${group}/${version}/${plural}`;
}
