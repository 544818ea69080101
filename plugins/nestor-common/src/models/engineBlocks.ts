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

const TEMPLATE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(yaml|yml|tpl|txt)$/;
const valuesDescription = 'may reference the order\'s parameters as `${param}`';

/**
 * `spec.helm`: an upstream chart (`repo`, `chart`, `version`), or, when
 * `templates` is given, a wrapper chart Nestor generates (named `chart`,
 * versioned `version`) for items without an upstream chart. Parameters the
 * values reference as `${param}` go where they are referenced; the others are
 * merged at the top level of the values.
 * @public
 */
export const helmBlockSchema = z
  .object({
    repo: z
      .string()
      .min(1)
      .regex(/^(https?|oci):\/\//, 'must be an https://, http:// or oci:// URL')
      .optional()
      .describe('chart repository URL (https:// or oci://); required unless `templates` is given'),
    chart: z.string().min(1).describe('chart name'),
    version: z.string().min(1).describe('chart version (a semantic version for wrapper charts)'),
    values: jsonObjectSchema.optional().describe(`values for every environment; ${valuesDescription}`),
    environmentValues: z
      .record(z.string(), jsonObjectSchema)
      .optional()
      .describe(`values per environment, merged over \`values\`; ${valuesDescription}`),
    templates: z
      .record(z.string(), z.union([z.string(), jsonObjectSchema, z.array(jsonObjectSchema)]))
      .optional()
      .describe('files of a generated wrapper chart\'s templates/ folder: Helm template text, or Kubernetes objects'),
    releaseName: z.string().max(53).optional().describe('Helm release name; defaults to the deployment name'),
    outputValues: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('values of the item\'s outputs once the release is healthy; may reference `${param}`, `${release}` and `${namespace}`'),
  })
  .passthrough()
  .superRefine((block, ctx) => {
    if (!block.templates && !block.repo) {
      ctx.addIssue({ code: 'custom', path: ['repo'], message: 'repo is required unless templates are given (a wrapper chart)' });
    }
    for (const file of Object.keys(block.templates ?? {})) {
      if (!TEMPLATE_FILE.test(file)) {
        ctx.addIssue({ code: 'custom', path: ['templates', file], message: 'must be a file name such as deployment.yaml (.yaml, .yml, .tpl or .txt)' });
      }
    }
    if (block.templates && block.repo) {
      ctx.addIssue({ code: 'custom', path: ['repo'], message: 'a wrapper chart (templates) has no repo; remove one of them' });
    }
  });

/**
 * `spec.terraform`: a module source. Parameters `variables` reference as
 * `${param}` go where they are referenced; the others are passed as module
 * inputs of the same name.
 * @public
 */
export const terraformBlockSchema = z
  .object({
    module: z.string().min(1).describe('module source (registry address, git URL or local path)'),
    version: z.string().optional().describe('module version constraint (registry sources only)'),
    variables: jsonObjectSchema.optional().describe(`fixed module inputs; ${valuesDescription}`),
    sensitiveOutputs: z
      .array(z.string().min(1))
      .optional()
      .describe('outputs the module marks sensitive: declared sensitive, and never shown as values'),
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
        configuration: z.record(z.string(), jsonObjectSchema).optional(),
        packages: z.record(z.string(), z.string()).optional(),
      })
      .passthrough()
      .describe('Pulumi YAML program'),
    config: jsonObjectSchema.optional().describe(`stack configuration such as \`aws:region\`; ${valuesDescription}`),
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
