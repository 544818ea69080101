import { z } from 'zod';

const stateBackendSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('local'),
      /** direct mode: state files under `<directory>/<team>/<environment>/<name>.tfstate` */
      directory: z.string().min(1).default('.nestor/terraform-state'),
    })
    .strict(),
  z
    .object({
      type: z.literal('kubernetes'),
      /** direct mode: namespace of the state Secrets */
      namespace: z.string().min(1).default('nestor-terraform'),
      inClusterConfig: z.boolean().default(true),
      configPath: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('s3'),
      bucket: z.string().min(1),
      region: z.string().min(1),
      keyPrefix: z.string().min(1).default('nestor'),
      /** the DynamoDB table Terraform locks states with */
      dynamodbTable: z.string().min(1),
      encrypt: z.boolean().default(true),
    })
    .strict(),
]);

/**
 * The schema of `nestor.engines.terraform`; `readEngineConfig` reads it at start-up.
 * @public
 */
export const terraformEngineConfigSchema = z
  .object({
    stateBackend: stateBackendSchema.prefault({ type: 'local' }),
    gitops: z
      .object({
        sourceRef: z
          .object({
            kind: z
              .enum(['GitRepository', 'OCIRepository', 'Bucket'])
              .default('GitRepository'),
            /** `{team}` is replaced by the deployment's team */
            name: z.string().min(1).default('flux-system'),
            namespace: z.string().min(1).default('flux-system'),
          })
          .strict()
          .prefault({}),
        interval: z
          .string()
          .regex(
            /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/,
            'must be a Go duration such as 10m',
          )
          .default('10m'),
        serviceAccountName: z.string().min(1).optional(),
        approvePlan: z.enum(['auto', 'manual']).default('auto'),
      })
      .strict()
      .prefault({}),
    direct: z
      .object({
        binary: z.string().min(1).default('terraform'),
        workingDirectory: z.string().min(1).default('.nestor/terraform'),
        /** local module sources (`./modules/x`) of direct deployments are resolved against this folder */
        modulesDirectory: z.string().min(1).default('.'),
        lockTimeoutSeconds: z.number().min(0).default(30),
        commandTimeoutMinutes: z.number().positive().default(30),
        /** environment of every terraform command (provider credentials, ...) */
        env: z.record(z.string(), z.string()).default({}),
        /** `enabled: false`: the drift monitor judges direct deployments from their status only (no plan runs) */
        driftDetection: z
          .object({ enabled: z.boolean().default(true) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** `nestor.engines.terraform` with defaults applied. @public */
export type TerraformEngineConfig = z.output<
  typeof terraformEngineConfigSchema
>;
/** `nestor.engines.terraform` as written. @public */
export type TerraformEngineConfigInput = z.input<
  typeof terraformEngineConfigSchema
>;
/** One of the state backends. @public */
export type TerraformStateBackend = TerraformEngineConfig['stateBackend'];
