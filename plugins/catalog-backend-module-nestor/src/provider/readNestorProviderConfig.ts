import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** The provider's configuration with defaults applied. @public */
export interface NestorProviderConfig {
  /** namespace of the entities written; default `default` */
  namespace: string;
  /** namespace of the teams' Groups; default `default` */
  groupNamespace: string;
  /** the full refresh, the safety net behind event-driven updates; default every 30 minutes, 10 minutes timeout */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** follow Nestor's event stream for delta updates; default true */
  events: boolean;
  /** a Template per buffet item; default true */
  templates: boolean;
  /** a Resource per deployment; default true */
  deployments: boolean;
  /** where Nestor's frontend is mounted in the app (links); default `/nestor` */
  appPath: string;
  /** how long events are gathered before one delta mutation, in ms; default 250 */
  batchDelayMs: number;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
};

/**
 * Reads `catalog.providers.nestor`. A wrong value stops the start-up with
 * every bad key named, rather than a catalog filled with the wrong names.
 * @public
 */
export function readNestorProviderConfig(config: Config): NestorProviderConfig {
  const c = config.getOptionalConfig('catalog.providers.nestor');
  const validator = makeValidator();
  const problems: string[] = [];
  const key = (k: string) => `catalog.providers.nestor.${k}`;

  const namespace = c?.getOptionalString('namespace') ?? 'default';
  if (!validator.isValidNamespace(namespace))
    problems.push(
      `${key('namespace')}: "${namespace}" is not a valid entity namespace`,
    );
  const groupNamespace = c?.getOptionalString('groupNamespace') ?? 'default';
  if (!validator.isValidNamespace(groupNamespace)) {
    problems.push(
      `${key(
        'groupNamespace',
      )}: "${groupNamespace}" is not a valid entity namespace`,
    );
  }
  const appPath = c?.getOptionalString('appPath') ?? '/nestor';
  if (!/^\/[^\s?#]*$/.test(appPath))
    problems.push(
      `${key('appPath')}: "${appPath}" must be a path starting with "/"`,
    );
  const batchDelayMs = c?.getOptionalNumber('batchDelayMs') ?? 250;
  if (!Number.isFinite(batchDelayMs) || batchDelayMs < 0)
    problems.push(`${key('batchDelayMs')}: must be 0 or more`);

  let schedule = DEFAULT_SCHEDULE;
  if (c?.has('schedule')) {
    try {
      schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
        c.getConfig('schedule'),
      );
    } catch (error) {
      problems.push(`${key('schedule')}: ${(error as Error).message}`);
    }
  }
  const templates = c?.getOptionalBoolean('templates') ?? true;
  const deployments = c?.getOptionalBoolean('deployments') ?? true;
  const events = c?.getOptionalBoolean('events') ?? true;

  if (problems.length > 0)
    throw new InputError(
      `Invalid Nestor entity provider configuration: ${problems.join('; ')}`,
    );
  return {
    namespace,
    groupNamespace,
    schedule,
    events,
    templates,
    deployments,
    appPath: appPath.replace(/\/+$/, ''),
    batchDelayMs,
  };
}
