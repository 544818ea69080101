import {
  EngineStatus,
  KubernetesObject,
  statusFromConditions,
} from '@nestor/plugin-nestor-node';

/**
 * Ready=False reasons of the tofu-controller that the next run will not fix
 * by itself: the plan or init of this revision fails, or its variables or
 * templates cannot be generated.
 */
const FAILED_REASONS = [
  'TFExecPlanFailed',
  'TFExecInitFailed',
  'VarsGenerationFailed',
  'TemplateGenerationFailed',
];

/**
 * A tofu-controller `Terraform` object's status as a deployment status: its
 * conditions (with the plan's or apply's error text), `Failed` for the
 * reasons above, and, once ready, the outputs from the Secret the controller
 * wrote: plain values decoded, sensitive ones as a reference to their key.
 * @public
 */
export function terraformObjectStatus(
  object: KubernetesObject | undefined,
  options: {
    outputsSecret?: KubernetesObject;
    sensitiveOutputs?: string[];
    now?: () => Date;
  },
): EngineStatus {
  const status = statusFromConditions(object, {
    kind: 'Terraform',
    failedReasons: FAILED_REASONS,
    now: options.now,
  });
  if (status.phase !== 'Ready') return status;
  const secret = options.outputsSecret;
  if (!secret)
    return {
      ...status,
      phase: 'Syncing',
      message:
        'the Terraform run is ready but its outputs Secret is not there yet',
    };
  const sensitive = new Set(options.sensitiveOutputs ?? []);
  const data = (secret.data ?? {}) as Record<string, string>;
  const outputs = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      sensitive.has(key)
        ? {
            secretRef: {
              name: secret.metadata.name,
              namespace: secret.metadata.namespace,
              key,
            },
          }
        : Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
  return { ...status, outputs };
}
