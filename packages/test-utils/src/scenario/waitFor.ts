import {
  Deployment,
  DeploymentPhase,
  NestorClient,
} from '@nestor/plugin-nestor-common';

/**
 * Polls `probe` every `intervalMs` (50 ms) until it returns something other
 * than undefined, and returns that; throws `timed out waiting for <what>`
 * after `timeoutMs` (30 s). An error thrown by the probe ends the wait with
 * that error: a probe that wants to retry on errors catches them itself.
 * @public
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

const SETTLED: DeploymentPhase[] = [
  'Ready',
  'Failed',
  'Cancelled',
  'RolledBack',
  'Deleted',
];

/**
 * Waits until the deployment is in `phase` and returns it. Fails at once,
 * with the deployment's message and conditions, when it settles in another
 * phase (Ready, Failed, Cancelled, RolledBack or Deleted) instead.
 * @public
 */
export async function waitForPhase(
  client: NestorClient,
  id: string,
  phase: DeploymentPhase,
  options: { timeoutMs?: number } = {},
): Promise<Deployment> {
  return waitFor(
    `deployment ${id} to reach ${phase}`,
    async () => {
      const deployment = await client.getDeployment(id);
      if (deployment.phase === phase) return deployment;
      if (SETTLED.includes(deployment.phase)) {
        throw new Error(
          `deployment ${deployment.ref} settled in ${
            deployment.phase
          }, not ${phase}: ${
            deployment.history.at(-1)?.message ?? '(no message)'
          }; ` + `conditions ${JSON.stringify(deployment.conditions)}`,
        );
      }
      return undefined;
    },
    options,
  );
}
