/**
 * Awaits a promise that must reject and returns what it rejected with, so a
 * test can check the error's name and message.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}
