import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject, JsonValue } from '@backstage/types';

/** What a step stored: checkpoints survive a retry of the task, as in the scaffolder's database. */
export type CheckpointStore = Map<string, JsonValue>;

/**
 * An action context as the scaffolder's workflow runner builds one: the
 * step's input, a logger whose lines are kept, outputs gathered, the
 * initiator's credentials, and checkpoints in `checkpoints` (pass the same
 * store to a second run to play a retried task).
 */
export function createActionContext<TInput extends JsonObject>(options: {
  input: TInput;
  credentials: BackstageCredentials;
  taskId?: string;
  stepId?: string;
  isDryRun?: boolean;
  checkpoints?: CheckpointStore;
  signal?: AbortSignal;
}) {
  const logs: string[] = [];
  const outputs: Record<string, JsonValue> = {};
  const checkpoints = options.checkpoints ?? new Map<string, JsonValue>();
  const logger = mockServices.logger.mock();
  for (const level of ['info', 'warn', 'error', 'debug'] as const) {
    logger[level].mockImplementation((message: string) => {
      logs.push(`${level}: ${message}`);
    });
  }
  const ctx: ActionContext<TInput, any> = {
    input: options.input,
    logger,
    workspacePath: '/nonexistent',
    task: { id: options.taskId ?? 'task-1' },
    step: { id: options.stepId ?? 'step-1', name: 'a step' },
    isDryRun: options.isDryRun,
    signal: options.signal,
    getInitiatorCredentials: async () => options.credentials,
    createTemporaryDirectory: async () => {
      throw new Error("not used by Nestor's actions");
    },
    output(name, value) {
      outputs[name as string] = value as JsonValue;
    },
    async checkpoint({ key, fn }) {
      if (checkpoints.has(key)) return checkpoints.get(key) as any;
      const value = await fn();
      checkpoints.set(key, (value ?? {}) as JsonValue);
      return value;
    },
  };
  return { ctx, logs, outputs, checkpoints };
}
