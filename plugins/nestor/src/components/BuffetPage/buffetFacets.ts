import type { CatalogItem } from '@nestor/plugin-nestor-common';

/** The values the buffet's filters offer. @public */
export interface BuffetFacets {
  types: string[];
  engines: string[];
  tags: string[];
  owners: string[];
}

/** The distinct types, engines, tags and owners of some buffet items, sorted. @public */
export function buffetFacets(items: readonly CatalogItem[]): BuffetFacets {
  const types = new Set<string>();
  const engines = new Set<string>();
  const tags = new Set<string>();
  const owners = new Set<string>();
  for (const { definition } of items) {
    types.add(definition.spec.type);
    engines.add(definition.spec.engine);
    owners.add(definition.metadata.owner);
    for (const tag of definition.metadata.tags ?? []) tags.add(tag);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return {
    types: sorted(types),
    engines: sorted(engines),
    tags: sorted(tags),
    owners: sorted(owners),
  };
}
