import { z } from 'zod';

const secretKeySchema = z.object({ name: z.string().min(1), key: z.string().min(1) }).strict();

/**
 * The schema of `nestor.engines.pulumi`; `readEngineConfig` reads it at start-up.
 * @public
 */
export const pulumiEngineConfigSchema = z
  .object({
    /** prefixes stack names: `<organization>/<team>-<environment>-<name>` */
    organization: z.string().min(1).optional(),
    stack: z
      .object({
        backend: z.string().min(1).optional(),
        serviceAccountName: z.string().min(1).optional(),
        resyncFrequencySeconds: z.number().int().min(60).default(300),
        refresh: z.boolean().default(true),
        secretsProvider: z.string().min(1).optional(),
        envFromSecrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), secretKeySchema).default({}),
      })
      .strict()
      .default({ resyncFrequencySeconds: 300, refresh: true, envFromSecrets: {} }),
    direct: z
      .object({
        mode: z.enum(['operator', 'automation']).default('operator'),
        binary: z.string().min(1).default('pulumi'),
        workingDirectory: z.string().min(1).default('.nestor/pulumi'),
        backendUrl: z.string().min(1).optional(),
        passphrase: z.string().default(''),
        lockTimeoutSeconds: z.number().min(0).default(30),
        commandTimeoutMinutes: z.number().positive().default(30),
      })
      .strict()
      .default({
        mode: 'operator',
        binary: 'pulumi',
        workingDirectory: '.nestor/pulumi',
        passphrase: '',
        lockTimeoutSeconds: 30,
        commandTimeoutMinutes: 30,
      }),
  })
  .strict();

/** `nestor.engines.pulumi` with defaults applied. @public */
export type PulumiEngineConfig = z.output<typeof pulumiEngineConfigSchema>;
/** `nestor.engines.pulumi` as written. @public */
export type PulumiEngineConfigInput = z.input<typeof pulumiEngineConfigSchema>;
