import { Entity } from '@backstage/catalog-model';
import { CatalogItem } from '@nestor/plugin-nestor-common';
import {
  buffetItemAnnotations,
  buffetItemLinks,
  teamOwnerRef,
} from './buffetItemEntity';
import { NESTOR_TAG } from '@nestor/plugin-nestor-common';
import { deployStepInput, templateForm } from './templateForm';
import { toEntityTags } from './toEntityTags';
import { EntityContext } from './types';

function describe(item: CatalogItem): string {
  const { metadata, spec } = item.definition;
  const cost = spec.cost
    ? ` About ${spec.cost.monthly} ${spec.cost.currency} a month.`
    : '';
  const head =
    metadata.description ??
    `Orders ${metadata.title ?? item.name} through Nestor.`;
  return `${head}${cost}`;
}

/**
 * The scaffolder Template that orders a buffet item: its form comes from
 * the item (see `templateForm`), its one step calls `nestor:deploy`, and
 * its output links to the deployment in Nestor. Named like the item, owned
 * by the item's team; regenerated whenever the item changes.
 * @public
 */
export function buffetItemTemplate(
  item: CatalogItem,
  context: EntityContext,
): Entity {
  const { metadata } = item.definition;
  const title = metadata.title ?? item.name;
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: item.name,
      namespace: context.namespace,
      title,
      description: describe(item),
      tags: toEntityTags([NESTOR_TAG, ...metadata.tags]),
      links: buffetItemLinks(item, context),
      annotations: buffetItemAnnotations(item, context),
    },
    spec: {
      owner: teamOwnerRef(metadata.owner, context),
      type: 'resource',
      parameters: templateForm(item.definition, context),
      steps: [
        {
          id: 'deploy',
          name: `Order ${title}`,
          action: 'nestor:deploy',
          input: deployStepInput(item.definition, context),
        },
      ],
      output: {
        links: [
          { title: 'Open in Nestor', url: '${{ steps.deploy.output.url }}' },
        ],
        text: [
          {
            title: 'Ordered',
            content: `**\${{ steps.deploy.output.ref }}** (${item.name}) is on its way; Nestor shows its progress.`,
          },
        ],
      },
    },
  };
}
