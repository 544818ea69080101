import { z } from 'zod';
import { NESTOR_API_VERSION } from './ResourceDefinition';
import { environmentSchema, resourceTypeSchema, teamIdSchema } from './primitives';

/** Limits for one team in one environment. @public */
export const quotaLimitsSchema = z
  .object({
    maxDeployments: z.number().int().nonnegative().optional(),
    maxMonthlyCost: z.number().nonnegative().optional(),
    perType: z
      .record(
        resourceTypeSchema,
        z.object({ maxDeployments: z.number().int().nonnegative().optional(), maxMonthlyCost: z.number().nonnegative().optional() }).strict(),
      )
      .optional()
      .describe('limits per resource type'),
  })
  .strict();

/** @public */
export type QuotaLimits = z.infer<typeof quotaLimitsSchema>;

/** Where a team's deployments are committed. @public */
export const gitopsTargetSchema = z
  .object({
    repo: z.string().url(),
    branch: z.string().min(1).default('main'),
    path: z.string().default('nestor'),
    strategy: z.enum(['direct', 'pull-request']).default('direct'),
    argocd: z
      .object({
        instance: z.string().optional(),
        project: z.string().optional(),
        namespace: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** @public */
export type GitopsTarget = z.infer<typeof gitopsTargetSchema>;

/**
 * A team's configuration (`kind: TeamConfig`).
 * @public
 */
export const teamConfigSchema = z
  .object({
    apiVersion: z.literal(NESTOR_API_VERSION),
    kind: z.literal('TeamConfig'),
    metadata: z
      .object({
        name: teamIdSchema,
        title: z.string().max(200).optional(),
        description: z.string().max(4000).optional(),
      })
      .strict(),
    spec: z
      .object({
        environments: z.array(environmentSchema).min(1),
        quotas: z.record(environmentSchema, quotaLimitsSchema).default({}),
        gitops: gitopsTargetSchema.optional(),
        delivery: z.enum(['gitops', 'direct']).default('gitops'),
        grants: z.array(teamIdSchema).default([]).describe('teams allowed to depend on this team\'s deployments'),
        maxConcurrentDeployments: z.number().int().positive().optional(),
      })
      .strict()
      .superRefine((spec, ctx) => {
        for (const env of Object.keys(spec.quotas)) {
          if (!spec.environments.includes(env)) {
            ctx.addIssue({ code: 'custom', path: ['quotas', env], message: `quota for environment "${env}" which is not in spec.environments` });
          }
        }
      }),
  })
  .strict();

/** @public */
export type TeamConfig = z.infer<typeof teamConfigSchema>;
/** @public */
export type TeamConfigInput = z.input<typeof teamConfigSchema>;
