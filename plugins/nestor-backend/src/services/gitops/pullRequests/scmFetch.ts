import { TransientEngineError } from '@nestor/plugin-nestor-node';

/** An answer of a Git host's API that is not a success. @internal */
export class ScmApiError extends Error {
  readonly statusCode: number;
  readonly body: unknown;
  constructor(message: string, statusCode: number, body: unknown) {
    super(message);
    this.name = 'ScmApiError';
    this.statusCode = statusCode;
    this.body = body;
  }
}

/**
 * Calls a Git host's REST API with JSON in and out. 5xx, 429 and network
 * failures become transient errors (the coordinator retries them); other
 * non-2xx answers an {@link ScmApiError} with the status and body.
 * @internal
 */
export async function scmFetch<T>(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch (error) {
    throw Object.assign(new TransientEngineError(`${init.method ?? 'GET'} ${new URL(url).origin}${new URL(url).pathname} failed: ${(error as Error).message}`), { cause: error });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the message
  }
  if (!response.ok) {
    const path = new URL(url).pathname;
    const detail = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : text.slice(0, 200);
    const message = `${init.method ?? 'GET'} ${path} answered ${response.status}: ${detail}`;
    if (response.status >= 500 || response.status === 429) throw Object.assign(new TransientEngineError(message), { statusCode: response.status });
    throw new ScmApiError(message, response.status, body);
  }
  return body as T;
}

/** `owner` and `name` (and the full project path) of a repository URL. @internal */
export function parseRepoUrl(repo: string): { owner: string; name: string; path: string } {
  const segments = new URL(repo).pathname.replace(/\.git$/, '').split('/').filter(Boolean);
  if (segments.length < 2) throw new Error(`cannot tell the owner and name of repository ${repo}: expected https://host/<owner>/<name>`);
  return { owner: segments.slice(0, -1).join('/'), name: segments[segments.length - 1], path: segments.join('/') };
}
