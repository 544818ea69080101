/**
 * Reads `read` every `intervalMs` (100 ms) until `done` holds for what it
 * returned, and returns that. After `timeoutMs` (30 s) it fails naming what
 * it waited for and what it last saw (JSON, cut at 2,000 characters), which
 * is usually the whole diagnosis. For a probe that returns undefined until
 * ready, `waitFor` is shorter.
 * @public
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
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
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
