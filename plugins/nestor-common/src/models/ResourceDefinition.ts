import { z } from 'zod';
import { engineBlockSchemas } from './engineBlocks';
import {
  dnsLabelSchema,
  environmentSchema,
  jsonObjectSchema,
  resourceTypeSchema,
  semverRangeSchema,
  semverSchema,
  teamIdSchema,
} from './primitives';

/** The apiVersion of every Nestor document. @public */
export const NESTOR_API_VERSION = 'nestor.io/v1alpha1';

/** Who may see (and order) a buffet item. @public */
export const visibilitySchema = z.union([
  z.object({ public: z.literal(true) }).strict(),
  z.object({ teams: z.array(teamIdSchema).min(1) }).strict(),
]);

/** @public */
export type Visibility = z.infer<typeof visibilitySchema>;

/** A type this item needs, with a semver range of the target's definition. @public */
export const requirementSchema = z
  .object({
    type: resourceTypeSchema,
    version: semverRangeSchema.default('*'),
  })
  .strict();

/** @public */
export type Requirement = z.infer<typeof requirementSchema>;

/**
 * A buffet item (`kind: ResourceDefinition`).
 * @public
 */
export const resourceDefinitionSchema = z
  .object({
    apiVersion: z.literal(NESTOR_API_VERSION),
    kind: z.literal('ResourceDefinition'),
    metadata: z
      .object({
        name: dnsLabelSchema.describe('unique in the buffet'),
        title: z.string().max(200).optional(),
        description: z.string().max(4000).optional(),
        owner: teamIdSchema,
        tags: z.array(z.string().regex(/^[a-z0-9:+#-]+$/, 'tags are lower case words').max(63)).default([]),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        type: resourceTypeSchema,
        version: semverSchema,
        engine: dnsLabelSchema.describe('crossplane | pulumi | terraform | helm, or any registered engine'),
        parameters: jsonObjectSchema
          .default({ type: 'object', properties: {} })
          .describe('JSON Schema of what the orderer fills in'),
        outputs: z.array(z.string().min(1)).default([]),
        requires: z.array(requirementSchema).default([]),
        visibility: visibilitySchema.default({ public: true }),
        environments: z.array(environmentSchema).min(1),
        cost: z
          .object({
            monthly: z.number().nonnegative(),
            currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
          })
          .strict()
          .optional(),
        crossplane: engineBlockSchemas.crossplane.optional(),
        pulumi: engineBlockSchemas.pulumi.optional(),
        terraform: engineBlockSchemas.terraform.optional(),
        helm: engineBlockSchemas.helm.optional(),
      })
      .passthrough()
      .superRefine((spec, ctx) => {
        if (spec.engine in engineBlockSchemas && !(spec as any)[spec.engine]) {
          ctx.addIssue({
            code: 'custom',
            path: [spec.engine],
            message: `spec.${spec.engine} is required when spec.engine is "${spec.engine}"`,
          });
        }
        const seen = new Set<string>();
        for (const [i, r] of spec.requires.entries()) {
          if (seen.has(r.type)) {
            ctx.addIssue({ code: 'custom', path: ['requires', i, 'type'], message: `type "${r.type}" is required twice` });
          }
          seen.add(r.type);
        }
      }),
  })
  .strict();

/** @public */
export type ResourceDefinition = z.infer<typeof resourceDefinitionSchema>;
/** The input form (before defaults are applied). @public */
export type ResourceDefinitionInput = z.input<typeof resourceDefinitionSchema>;
