import { z } from 'zod';

const destinationSchema = z
  .object({
    server: z.string().url().optional(),
    name: z.string().min(1).optional(),
  })
  .strict()
  .refine(d => Boolean(d.server) !== Boolean(d.name), { message: 'a destination needs exactly one of "server" or "name"' });

const fluxDurationSchema = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'must be a Go duration such as 10m or 1h30m');

/**
 * The schema of `nestor.engines.helm`; `readEngineConfig` reads it at start-up.
 * @public
 */
export const helmEngineConfigSchema = z
  .object({
    mode: z.enum(['argocd', 'flux']).default('argocd'),
    argocd: z
      .object({
        namespace: z.string().min(1).default('argocd'),
        project: z.string().min(1).default('default'),
        destination: destinationSchema.default({ server: 'https://kubernetes.default.svc' }),
        environments: z.record(z.string(), destinationSchema).default({}),
        automated: z.boolean().default(true),
      })
      .strict()
      .default({
        namespace: 'argocd',
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc' },
        environments: {},
        automated: true,
      }),
    flux: z
      .object({
        interval: fluxDurationSchema.default('10m'),
        gitRepository: z
          .object({ name: z.string().min(1), namespace: z.string().min(1) })
          .strict()
          .default({ name: 'flux-system', namespace: 'flux-system' }),
        remediationRetries: z.number().int().min(0).default(3),
      })
      .strict()
      .default({ interval: '10m', gitRepository: { name: 'flux-system', namespace: 'flux-system' }, remediationRetries: 3 }),
  })
  .strict();

/** `nestor.engines.helm` with defaults applied. @public */
export type HelmEngineConfig = z.output<typeof helmEngineConfigSchema>;
/** `nestor.engines.helm` as written. @public */
export type HelmEngineConfigInput = z.input<typeof helmEngineConfigSchema>;
