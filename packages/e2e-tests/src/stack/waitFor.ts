/**
 * Polls `check` until it returns a value other than undefined, or throws
 * with `what` and the last error once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    isAlive?: () => string | undefined;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const dead = options.isAlive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: still not there after ${options.timeoutMs} ms${
          lastError ? ` (last error: ${String(lastError)})` : ''
        }`,
      );
    }
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 1000),
    );
  }
}
