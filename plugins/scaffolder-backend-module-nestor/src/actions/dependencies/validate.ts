import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeNestorError } from '../../services/describeNestorError';
import { NestorClientFactory } from '../../services/NestorClientFactory';
import { resolveDependsOn } from '../../services/resolveDependsOn';
import { examples } from './validate.examples';

/**
 * `nestor:dependencies:validate`: checks deployment requests together, and
 * against what is already deployed (`POST /validate-dependencies`), with
 * the initiator's credentials: missing targets, grants across teams,
 * versions, environments, cycles. Outputs the verdict and the order in
 * waves; fails the step on any problem unless `failOnInvalid` is false.
 * Reads only, so it runs in dry runs too.
 * @public
 */
export function createValidateDependenciesAction(options: {
  clients: NestorClientFactory;
  catalog: CatalogService;
}) {
  const { clients, catalog } = options;
  return createTemplateAction({
    id: 'nestor:dependencies:validate',
    description:
      'Checks the dependencies of deployment requests together with what Nestor already runs, and gives their order.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        requests: z =>
          z
            .array(
              z.object({
                team: z.string({ description: 'Team id' }).min(1),
                environment: z.string({ description: 'Environment' }).min(1),
                name: z.string({ description: 'Deployment name' }).min(1),
                resource: z.string({ description: 'Buffet item name' }).min(1),
                version: z
                  .string({ description: 'Semver range of the item' })
                  .min(1)
                  .optional(),
                parameters: z
                  .record(z.string(), z.unknown(), {
                    description: 'Parameter values',
                  })
                  .optional(),
                dependsOn: z
                  .array(
                    z.union([z.string().min(1), z.array(z.string().min(1))]),
                    {
                      description:
                        'Deployment refs or their catalog entity refs',
                    },
                  )
                  .optional(),
              }),
              {
                description:
                  'The deployment requests (as `nestor:deploy` takes them) to check together',
              },
            )
            .min(1),
        failOnInvalid: z =>
          z
            .boolean({
              description:
                'Fail the step when a dependency is wrong; default true',
            })
            .optional(),
      },
      output: {
        valid: z =>
          z.boolean({
            description: "True when every request's dependencies hold",
          }),
        errors: z =>
          z.array(
            z.object({
              code: z.string(),
              message: z.string(),
              refs: z.array(z.string()),
            }),
            { description: 'Every problem found, with the refs involved' },
          ),
        order: z =>
          z.array(z.array(z.string()), {
            description:
              'Refs in waves: each wave only needs the ones before it',
          }),
      },
    },
    async handler(ctx) {
      const credentials = () => ctx.getInitiatorCredentials();
      const requests = [];
      for (const r of ctx.input.requests) {
        requests.push({
          ...r,
          dependsOn: await resolveDependsOn(r.dependsOn ?? [], {
            catalog,
            credentials,
          }),
        });
      }
      const result = await clients
        .forCredentials(credentials)
        .validateDependencies({ requests })
        .catch(error => {
          throw describeNestorError(error, 'check the dependencies');
        });
      for (const [i, wave] of result.order.entries())
        ctx.logger.info(`wave ${i + 1}: ${wave.join(', ')}`);
      for (const e of result.errors)
        ctx.logger.warn(`${e.code}: ${e.message} (${e.refs.join(', ')})`);
      ctx.output('valid', result.valid);
      ctx.output(
        'errors',
        result.errors.map(e => ({
          code: e.code,
          message: e.message,
          refs: e.refs,
        })),
      );
      ctx.output('order', result.order);
      if (!result.valid && ctx.input.failOnInvalid !== false) {
        throw new InputError(
          [
            'Nestor found dependency problems:',
            ...result.errors.map(e => `  - ${e.code}: ${e.message}`),
          ].join('\n'),
        );
      }
    },
  });
}
