import { z } from 'zod';
import { jsonObjectSchema } from './primitives';

/**
 * `spec.crossplane`: the composite resource (XR) the item is served as.
 * @public
 */
export const crossplaneBlockSchema = z
  .object({
    group: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'must be a DNS subdomain such as "platform.example.org"')
      .describe("the XR's API group"),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be an UpperCamelCase kind').describe("the XR's kind"),
    version: z.string().regex(/^v\d+((alpha|beta)\d+)?$/, 'must be a Kubernetes API version such as v1alpha1').describe("the XR's version"),
    claimKind: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be an UpperCamelCase kind')
      .optional()
      .describe('claim kind, for claim-style (legacy, cluster-scoped) XRDs'),
    composition: z
      .object({
        functions: z
          .array(z.object({ step: z.string(), functionRef: z.object({ name: z.string() }), input: jsonObjectSchema.optional() }).passthrough())
          .optional(),
      })
      .passthrough()
      .optional()
      .describe('pipeline steps of the generated Composition'),
  })
  .passthrough();

/**
 * `spec.helm`: an upstream chart, or a wrapper chart generated when `chart` is `wrapper`.
 * @public
 */
export const helmBlockSchema = z
  .object({
    repo: z.string().min(1).describe('chart repository URL (https:// or oci://)'),
    chart: z.string().min(1).describe('chart name'),
    version: z.string().min(1).describe('chart version'),
    values: jsonObjectSchema.optional().describe('values applied to every deployment, before the order\'s parameters'),
  })
  .passthrough();

/**
 * `spec.terraform`: a module source.
 * @public
 */
export const terraformBlockSchema = z
  .object({
    module: z.string().min(1).describe('module source (registry address, git URL or path)'),
    version: z.string().optional().describe('module version constraint'),
  })
  .passthrough();

/**
 * `spec.pulumi`: an inline Pulumi YAML program with `${param}` references.
 * @public
 */
export const pulumiBlockSchema = z
  .object({
    program: z
      .object({
        resources: z.record(z.string(), jsonObjectSchema).optional(),
        variables: jsonObjectSchema.optional(),
        outputs: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough()
      .describe('Pulumi YAML program'),
  })
  .passthrough();

/** The engine names Nestor ships modules for. @public */
export const BUILTIN_ENGINES = ['crossplane', 'pulumi', 'terraform', 'helm'] as const;

/** Per-engine block schemas, by engine name. @public */
export const engineBlockSchemas = {
  crossplane: crossplaneBlockSchema,
  pulumi: pulumiBlockSchema,
  terraform: terraformBlockSchema,
  helm: helmBlockSchema,
} as const;

/** @public */
export type CrossplaneBlock = z.infer<typeof crossplaneBlockSchema>;
/** @public */
export type HelmBlock = z.infer<typeof helmBlockSchema>;
/** @public */
export type TerraformBlock = z.infer<typeof terraformBlockSchema>;
/** @public */
export type PulumiBlock = z.infer<typeof pulumiBlockSchema>;
