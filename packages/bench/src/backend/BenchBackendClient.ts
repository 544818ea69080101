/**
 * What the bench servers ask of the backend they started: authenticated
 * JSON reads, a catalog sync triggered the way a webhook would, and polling
 * until a condition holds.
 */
export class BenchBackendClient {
  constructor(readonly baseUrl: string, readonly token: string) {}

  /** `GET <baseUrl><path>` as JSON; a non-2xx answer throws with its body. */
  async get(path: string): Promise<any> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!res.ok)
      throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Asks Nestor to sync a catalog source now (the scheduled sync may not have run yet). */
  async syncSource(sourceId: string): Promise<void> {
    const path = `/api/nestor/catalog/sources/${sourceId}/sync`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!res.ok)
      throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  }

  /** Polls `probe` every `intervalMs` until it holds, or throws naming `what`. */
  static async waitFor(
    what: string,
    probe: () => Promise<boolean>,
    options: { timeoutMs: number; intervalMs?: number },
  ): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, options.intervalMs ?? 100));
    }
  }
}
