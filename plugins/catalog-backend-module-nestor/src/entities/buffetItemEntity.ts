import {
  ANNOTATION_VIEW_URL,
  Entity,
  EntityLink,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogItem } from '@nestor/plugin-nestor-common';
import {
  BUFFET_ITEM_RESOURCE_TYPE,
  NESTOR_ANNOTATIONS,
  NESTOR_TAG,
} from '@nestor/plugin-nestor-common';
import { gitFileUrl } from './gitFileUrl';
import { nestorLocation } from './nestorLocation';
import { toEntityTags } from './toEntityTags';
import { EntityContext } from './types';

const validator = makeValidator();

/** Annotations a definition may not set on its entity: the provider owns them. */
function isReserved(key: string): boolean {
  return (
    key.startsWith('nestor.io/') || key.startsWith('backstage.io/managed-by-')
  );
}

/**
 * The definition's own annotations that the catalog accepts (others are
 * reported to `onDropped`), without the ones the provider sets itself.
 */
function passThroughAnnotations(
  item: CatalogItem,
  context: EntityContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(
    item.definition.metadata.annotations ?? {},
  )) {
    if (isReserved(key)) continue;
    if (
      !validator.isValidAnnotationKey(key) ||
      !validator.isValidAnnotationValue(value)
    ) {
      context.onDropped?.(
        `buffet item ${item.name}: annotation "${key}" is not a valid catalog annotation; left out`,
      );
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** The entity ref of a buffet item's generated Template. @public */
export function buffetItemTemplateRef(
  name: string,
  context: Pick<EntityContext, 'namespace'>,
): string {
  return stringifyEntityRef({
    kind: 'Template',
    namespace: context.namespace,
    name,
  });
}

/** Links shared by a buffet item's entity and its Template. @internal */
export function buffetItemLinks(
  item: CatalogItem,
  context: EntityContext,
): EntityLink[] {
  const links: EntityLink[] = [];
  if (context.nestorAppUrl) {
    links.push({
      url: `${context.nestorAppUrl}/buffet/${encodeURIComponent(item.name)}`,
      title: 'Open in Nestor',
      icon: 'dashboard',
    });
  }
  const file = gitFileUrl(item.source, context.integrations);
  if (file)
    links.push({
      url: file,
      title: 'Definition in Git',
      icon: 'code',
      type: 'source',
    });
  return links;
}

/** Annotations shared by a buffet item's entity and its Template. @internal */
export function buffetItemAnnotations(
  item: CatalogItem,
  context: EntityContext,
): Record<string, string> {
  const { spec } = item.definition;
  const file = gitFileUrl(item.source, context.integrations);
  return {
    ...nestorLocation(`catalog/${item.name}`),
    [NESTOR_ANNOTATIONS.resourceName]: item.name,
    [NESTOR_ANNOTATIONS.resourceVersion]: spec.version,
    [NESTOR_ANNOTATIONS.resourceType]: spec.type,
    [NESTOR_ANNOTATIONS.engine]: spec.engine,
    [NESTOR_ANNOTATIONS.source]: `${item.source.id}:${item.source.path}@${item.source.commit}`,
    ...(file ? { [ANNOTATION_VIEW_URL]: file } : {}),
  };
}

/** The owner ref of a team's entities. @internal */
export function teamOwnerRef(
  team: string,
  context: Pick<EntityContext, 'groupNamespace'>,
): string {
  return stringifyEntityRef({
    kind: 'Group',
    namespace: context.groupNamespace,
    name: team,
  });
}

/**
 * A buffet item as a catalog entity: a `Resource` of type
 * `nestor-buffet-item`, or an `API` when the definition carries the
 * annotations `nestor.io/api-type` and `nestor.io/api-definition` (an item
 * that offers an interface rather than infrastructure). Owned by the team
 * that publishes it, tagged with its tags plus `nestor`, linked to Nestor,
 * its Git file and its Template on the Create page.
 * @public
 */
export function buffetItemEntity(
  item: CatalogItem,
  context: EntityContext,
): Entity {
  const { metadata } = item.definition;
  const own = metadata.annotations ?? {};
  const links = buffetItemLinks(item, context);
  if (context.appBaseUrl) {
    links.push({
      url: `${context.appBaseUrl}/create/templates/${encodeURIComponent(
        context.namespace,
      )}/${encodeURIComponent(item.name)}`,
      title: 'Order',
      icon: 'add',
    });
  }
  const base = {
    apiVersion: 'backstage.io/v1alpha1',
    metadata: {
      name: item.name,
      namespace: context.namespace,
      title: metadata.title ?? item.name,
      ...(metadata.description ? { description: metadata.description } : {}),
      tags: toEntityTags([...metadata.tags, NESTOR_TAG]),
      links,
      annotations: {
        ...passThroughAnnotations(item, context),
        ...buffetItemAnnotations(item, context),
        [NESTOR_ANNOTATIONS.template]: buffetItemTemplateRef(
          item.name,
          context,
        ),
      },
    },
  };
  const owner = teamOwnerRef(metadata.owner, context);
  const apiType = own[NESTOR_ANNOTATIONS.apiType];
  const apiDefinition = own[NESTOR_ANNOTATIONS.apiDefinition];
  if (apiType && apiDefinition) {
    return {
      ...base,
      kind: 'API',
      spec: {
        type: apiType,
        lifecycle: own[NESTOR_ANNOTATIONS.apiLifecycle] ?? 'production',
        owner,
        definition: apiDefinition,
      },
    };
  }
  if (apiType || apiDefinition) {
    context.onDropped?.(
      `buffet item ${item.name}: an API entity needs both ${NESTOR_ANNOTATIONS.apiType} and ${NESTOR_ANNOTATIONS.apiDefinition}; published as a Resource`,
    );
  }
  return {
    ...base,
    kind: 'Resource',
    spec: { type: BUFFET_ITEM_RESOURCE_TYPE, owner },
  };
}
