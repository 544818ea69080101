import { CrossplaneBlock, ResourceDefinition } from '@nestor/plugin-nestor-common';

/**
 * The lower-case plural of a kind (`PostgresDatabase` → `postgresdatabases`,
 * `Policy` → `policies`), as Crossplane's generated CRDs expect.
 * @public
 */
export function pluralOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** Names of what the engine generates for one buffet item. @public */
export interface CrossplaneNames {
  block: CrossplaneBlock;
  /** `<group>/<version>` of the XR (and of its claim) */
  apiVersion: string;
  xrdName: string;
  compositionName: string;
  plural: string;
  /** the kind a deployment renders: the claim kind, or the namespaced XR kind */
  deploymentKind: string;
  claimStyle: boolean;
}

/** Reads the names from a buffet item; throws if it has no `spec.crossplane`. @public */
export function crossplaneNames(definition: ResourceDefinition): CrossplaneNames {
  const block = definition.spec.crossplane;
  if (!block) throw new Error(`resource definition ${definition.metadata.name} has no spec.crossplane block`);
  const plural = pluralOfKind(block.kind);
  return {
    block,
    apiVersion: `${block.group}/${block.version}`,
    xrdName: `${plural}.${block.group}`,
    compositionName: `${definition.metadata.name}.${block.group}`,
    plural,
    deploymentKind: block.claimKind ?? block.kind,
    claimStyle: Boolean(block.claimKind),
  };
}

/** Makes a string a valid label value (at most 63 characters, alphanumeric at both ends). @public */
export function toLabelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
