import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeNestorError } from '../../services/describeNestorError';
import { NestorClientFactory } from '../../services/NestorClientFactory';
import { examples } from './get.examples';

/**
 * `nestor:catalog:get`: reads a buffet item (`GET /catalog/{name}`) as the
 * initiator sees it: an item they may not see is not found. Reads only, so
 * it runs in dry runs too.
 * @public
 */
export function createGetCatalogItemAction(options: {
  clients: NestorClientFactory;
}) {
  const { clients } = options;
  return createTemplateAction({
    id: 'nestor:catalog:get',
    description:
      'Reads a Nestor buffet item: its definition, version, parameters schema, outputs and cost.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string({ description: 'Buffet item name, e.g. postgres-database' })
            .min(1),
        version: z =>
          z
            .string({
              description:
                'An exact version, e.g. 1.4.0; the current one by default',
            })
            .min(1)
            .optional(),
      },
      output: {
        definition: z =>
          z.record(z.string(), z.unknown(), {
            description: 'The whole ResourceDefinition',
          }),
        version: z => z.string({ description: 'Its version' }),
        type: z =>
          z.string({ description: 'Its type, e.g. database.postgresql' }),
        engine: z => z.string({ description: 'The engine that deploys it' }),
        owner: z => z.string({ description: 'The team that publishes it' }),
        parameters: z =>
          z.record(z.string(), z.unknown(), {
            description: 'The JSON Schema of its parameters',
          }),
        outputs: z =>
          z.array(z.string(), {
            description: 'Names of what a deployment of it outputs',
          }),
        environments: z =>
          z.array(z.string(), {
            description: 'Environments it may be deployed to',
          }),
        monthlyCost: z =>
          z
            .number({
              description: 'Estimated monthly cost, when the item states one',
            })
            .optional(),
        source: z =>
          z.record(z.string(), z.unknown(), {
            description: 'Where it was read from: url, path, commit',
          }),
      },
    },
    async handler(ctx) {
      const { name, version } = ctx.input;
      const item = await clients
        .forCredentials(() => ctx.getInitiatorCredentials())
        .getCatalogItem(name, version ? { version } : {})
        .catch(error => {
          throw describeNestorError(
            error,
            `read buffet item ${name}${version ? `@${version}` : ''}`,
          );
        });
      const { metadata, spec } = item.definition;
      ctx.logger.info(
        `${name} ${spec.version} (${spec.type}, ${spec.engine}), owned by ${metadata.owner}`,
      );
      ctx.output(
        'definition',
        item.definition as unknown as Record<string, unknown>,
      );
      ctx.output('version', spec.version);
      ctx.output('type', spec.type);
      ctx.output('engine', spec.engine);
      ctx.output('owner', metadata.owner);
      ctx.output('parameters', spec.parameters);
      ctx.output('outputs', spec.outputs);
      ctx.output('environments', spec.environments);
      if (spec.cost) ctx.output('monthlyCost', spec.cost.monthly);
      ctx.output('source', { ...item.source });
    },
  });
}
