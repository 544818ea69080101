import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentRequestInput,
  formatDeploymentRef,
} from '@nestor/plugin-nestor-common';
import {
  describeNestorError,
  formatReason,
} from '../services/describeNestorError';
import { NestorClientFactory } from '../services/NestorClientFactory';
import { readVerdict } from '../services/readVerdict';
import { resolveDependsOn } from '../services/resolveDependsOn';
import { waitForDeployment } from '../services/waitForDeployment';
import { examples } from './deploy.examples';

const DEFAULT_TIMEOUT_MINUTES = 30;
/** what Nestor accepts as an `Idempotency-Key` */
const MAX_KEY_LENGTH = 255;

/**
 * The same for every run of one step of one task for one ref, so a retried
 * task gets its deployment back instead of a second one: readable when it
 * fits, its SHA-256 when not.
 */
function taskIdempotencyKey(
  taskId: string,
  stepId: string | undefined,
  ref: string,
): string {
  const key = `scaffolder:${taskId}:${stepId ?? 'step'}:${ref}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `scaffolder:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * `nestor:deploy`: orders a buffet item through `POST /deploy` with the
 * task initiator's credentials. The submission is a checkpoint and carries
 * an `Idempotency-Key` made of the task, the step and the ref, so a retried
 * task never orders twice. With `wait`, each phase change goes to the task
 * log until the deployment is Ready (its outputs become the step's) or
 * fails (the step fails with Nestor's reason). A dry run asks Nestor for
 * its verdict and dependency check (see {@link readVerdict}) and orders
 * nothing.
 * @public
 */
export function createDeployAction(options: {
  clients: NestorClientFactory;
  catalog: CatalogService;
}) {
  const { clients, catalog } = options;
  return createTemplateAction({
    id: 'nestor:deploy',
    description:
      "Orders a Nestor buffet item for a team and environment, with the initiator's credentials; optionally waits until it is Ready.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        team: z =>
          z
            .string({
              description:
                'Team id (the name of its Group), e.g. team-payments',
            })
            .min(1),
        environment: z =>
          z
            .string({
              description:
                "Environment, one of the team's and the item's, e.g. dev",
            })
            .min(1),
        name: z =>
          z
            .string({
              description:
                'Deployment name, unique in the team and environment (lower case, digits, dashes)',
            })
            .min(1),
        resource: z =>
          z
            .string({
              description:
                'Name of the buffet item to order, e.g. postgres-database',
            })
            .min(1),
        version: z =>
          z
            .string({
              description:
                "Semver range of the item's version, e.g. ^1.4.0; the newest version by default",
            })
            .min(1)
            .optional(),
        parameters: z =>
          z
            .record(z.string(), z.unknown(), {
              description:
                "Values for the item's parameters, checked against its JSON Schema",
            })
            .optional(),
        dependsOn: z =>
          z
            .array(z.union([z.string().min(1), z.array(z.string().min(1))]), {
              description:
                "Deployments this one depends on: refs <team>/<environment>/<name> or their catalog entity refs; nested lists (a multi-picker's value) are flattened",
            })
            .optional(),
        wait: z =>
          z
            .boolean({
              description:
                'Wait until the deployment is Ready (or fails), logging each phase; default false',
            })
            .optional(),
        timeoutMinutes: z =>
          z
            .number({
              description: `How long to wait with \`wait\`, in minutes; default ${DEFAULT_TIMEOUT_MINUTES}`,
            })
            .positive()
            .optional(),
      },
      output: {
        deploymentId: z =>
          z.string({
            description:
              "Nestor's id of the deployment (`dry-run` in a dry run)",
          }),
        ref: z =>
          z.string({
            description: "The deployment's ref <team>/<environment>/<name>",
          }),
        url: z =>
          z
            .string({ description: "The deployment's page in Nestor" })
            .optional(),
        phase: z => z.string({ description: 'Its phase when the step ended' }),
        outputs: z =>
          z.record(z.string(), z.unknown(), {
            description:
              'What the engine reported (host, port, ...), once Ready',
          }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const credentials = () => ctx.getInitiatorCredentials();
      const client = clients.forCredentials(credentials);
      const request: DeploymentRequestInput = {
        team: input.team,
        environment: input.environment,
        name: input.name,
        resource: input.resource,
        ...(input.version ? { version: input.version } : {}),
        parameters: input.parameters ?? {},
        dependsOn: await resolveDependsOn(input.dependsOn ?? [], {
          catalog,
          credentials,
        }),
      };
      const ref = formatDeploymentRef(request);

      if (ctx.isDryRun) {
        const verdict = await readVerdict(client, request);
        for (const check of verdict.checks) {
          ctx.logger.info(
            `${check.check}: ${check.allowed ? 'allowed' : 'refused'}`,
          );
        }
        if (!verdict.allowed) {
          const reasons = verdict.checks.flatMap(c =>
            c.reasons.map(r => formatReason(r, `${c.check}: `)),
          );
          throw new InputError(
            [`Nestor would refuse ${ref}:`, ...reasons].join('\n'),
          );
        }
        ctx.logger.info(
          `Dry run: Nestor would accept ${ref}; nothing was ordered`,
        );
        ctx.output('deploymentId', 'dry-run');
        ctx.output('ref', ref);
        ctx.output('phase', 'Pending');
        ctx.output('outputs', {});
        return;
      }

      const idempotencyKey = taskIdempotencyKey(ctx.task.id, ctx.step?.id, ref);
      const submitted = await ctx.checkpoint({
        key: `nestor.deploy.${ref}`,
        fn: async () => {
          try {
            const d = await client.deploy(request, { idempotencyKey });
            return {
              id: d.id,
              ref: d.ref,
              team: d.team,
              phase: d.phase,
              outputs: d.outputs as Record<string, any>,
            };
          } catch (error) {
            throw describeNestorError(error, `order ${ref}`);
          }
        },
      });
      const url = clients.deploymentUrl(submitted.id);
      ctx.logger.info(
        `Nestor accepted ${submitted.ref} (deployment ${submitted.id}, ${
          submitted.phase
        })${url ? `: ${url}` : ''}`,
      );
      ctx.output('deploymentId', submitted.id);
      ctx.output('ref', submitted.ref);
      if (url) ctx.output('url', url);

      if (!input.wait) {
        ctx.output('phase', submitted.phase);
        ctx.output('outputs', submitted.outputs);
        return;
      }
      const ready = await waitForDeployment({
        client,
        deployment: submitted,
        logger: ctx.logger,
        signal: ctx.signal,
        timeoutMs: (input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
      });
      ctx.output('phase', ready.phase);
      ctx.output('outputs', ready.outputs);
    },
  });
}
