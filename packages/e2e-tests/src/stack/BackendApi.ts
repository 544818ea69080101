/**
 * The backend's REST API as the signed-in guest, for the test's own
 * preconditions and cross-checks (what the browser shows is the flow under
 * test; this is how the test knows what to expect).
 */
export class BackendApi {
  readonly #backendUrl: string;
  readonly #token: string;

  static async forGuest(backendUrl: string): Promise<BackendApi> {
    const response = await fetch(
      `${backendUrl}/api/auth/guest/refresh?env=development`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    if (!response.ok) {
      throw new Error(
        `guest sign-in failed: ${response.status} ${await response.text()}`,
      );
    }
    const body = (await response.json()) as {
      backstageIdentity?: { token?: string };
    };
    const token = body.backstageIdentity?.token;
    if (!token) throw new Error('guest sign-in answered without a token');
    return new BackendApi(backendUrl, token);
  }

  private constructor(backendUrl: string, token: string) {
    this.#backendUrl = backendUrl;
    this.#token = token;
  }

  /** GET `/api/<path>` as JSON; throws with the status and body otherwise. */
  async get<T>(apiPath: string): Promise<T> {
    const response = await fetch(`${this.#backendUrl}/api${apiPath}`, {
      headers: { Authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) {
      throw new Error(
        `GET /api${apiPath}: ${response.status} ${await response.text()}`,
      );
    }
    return (await response.json()) as T;
  }
}
