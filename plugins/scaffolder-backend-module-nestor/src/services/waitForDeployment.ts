import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Deployment,
  NestorClient,
  TERMINAL_PHASES,
} from '@nestor/plugin-nestor-common';

/** What {@link waitForDeployment} needs. @public */
export interface WaitForDeploymentOptions {
  client: NestorClient;
  deployment: Pick<Deployment, 'id' | 'ref' | 'team'>;
  /** the task log: one line per phase change */
  logger: LoggerService;
  timeoutMs: number;
  /** the deployment is also read this often, in case an event is missed; default 10 s */
  pollMs?: number;
  /** the task's cancellation */
  signal?: AbortSignal;
}

function describeTransition(
  ref: string,
  t: Deployment['history'][number],
): string {
  return `${ref}: ${t.phase}${t.reason ? ` (${t.reason})` : ''}${
    t.message ? `: ${t.message}` : ''
  }`;
}

function failureOf(deployment: Deployment): Error {
  const last = deployment.history[deployment.history.length - 1];
  const conditions = deployment.conditions
    .filter(c => c.status === 'False' && c.message)
    .map(c => `  - ${c.type}: ${c.message}`);
  const head = `Deployment ${deployment.ref} ended ${deployment.phase}${
    last?.message ? `: ${last.message}` : ''
  }`;
  return new Error([head, ...conditions].join('\n'));
}

/**
 * Follows a deployment until it is `Ready` (resolves with it) or ends any
 * other terminal way (`Failed`, `Cancelled`, `RolledBack`, `Deleted`:
 * rejects with its last message and failing conditions). Each phase change
 * goes to the log as it happens: Nestor's events for the team wake it, and
 * a slow poll covers a stream that cannot connect.
 * @public
 */
export function waitForDeployment(
  options: WaitForDeploymentOptions,
): Promise<Deployment> {
  const { client, deployment, logger, signal } = options;
  return new Promise<Deployment>((resolve, reject) => {
    let logged = 0;
    let settled = false;
    let reading: Promise<void> | undefined;
    let again = false;
    const stops: Array<() => void> = [];

    const finish = (error: Error | undefined, result?: Deployment) => {
      if (settled) return;
      settled = true;
      for (const stop of stops) stop();
      if (error) reject(error);
      else resolve(result!);
    };

    const read = async () => {
      const current = await client.getDeployment(deployment.id);
      for (const transition of current.history.slice(logged)) {
        logger.info(describeTransition(deployment.ref, transition));
      }
      logged = current.history.length;
      if (!TERMINAL_PHASES.includes(current.phase)) return;
      if (current.phase === 'Ready') finish(undefined, current);
      else finish(failureOf(current));
    };
    // one read at a time; a wake-up during a read asks for one more after it
    const wake = () => {
      if (settled) return;
      if (reading) {
        again = true;
        return;
      }
      reading = read()
        .catch(error =>
          logger.warn(`Could not read ${deployment.ref} from Nestor: ${error}`),
        )
        .finally(() => {
          reading = undefined;
          if (again) {
            again = false;
            wake();
          }
        });
    };

    const poll = setInterval(wake, options.pollMs ?? 10_000);
    stops.push(() => clearInterval(poll));
    const timeout = setTimeout(() => {
      finish(
        new Error(
          `Deployment ${deployment.ref} is not Ready after ${Math.round(
            options.timeoutMs / 1000,
          )} s; it goes on in Nestor`,
        ),
      );
    }, options.timeoutMs);
    stops.push(() => clearTimeout(timeout));
    if (signal) {
      const onAbort = () =>
        finish(
          new Error(
            `Stopped waiting for ${deployment.ref}: the task was cancelled`,
          ),
        );
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort);
      stops.push(() => signal.removeEventListener('abort', onAbort));
    }
    const subscription = client.subscribe(
      {
        team: deployment.team,
        types: [
          'deployment.phase',
          'deployment.completed',
          'deployment.failed',
        ],
      },
      event => {
        if (event.ref === deployment.ref) wake();
      },
      {
        onOpen: wake,
        onError: error => logger.debug(`Nestor event stream: ${error.message}`),
      },
    );
    stops.push(() => subscription.close());
    wake();
  });
}
