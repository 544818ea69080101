/** Polls `read` until `done` holds, or fails naming what it waited for and what it last saw. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last saw ${JSON.stringify(value)?.slice(
          0,
          2000,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
