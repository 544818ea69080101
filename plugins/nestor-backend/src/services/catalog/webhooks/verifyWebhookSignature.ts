import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Which provider's scheme authenticated a webhook. @public */
export type WebhookProvider = 'github' | 'gitlab' | 'gitea';

/** The headers a push webhook may carry (lower-cased, as Node gives them). @public */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Compares two strings in time independent of where they differ (and of their lengths). */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks a push webhook against the source's shared secret, in constant
 * time: GitHub's `X-Hub-Signature-256: sha256=<hmac>`, Gitea's
 * `X-Gitea-Signature: <hmac>` (both HMAC-SHA256 of the raw body), or
 * GitLab's `X-Gitlab-Token: <secret>`. Returns the provider whose scheme
 * matched, or undefined when none did (or none was sent).
 * @public
 */
export function verifyWebhookSignature(options: {
  secret: string;
  headers: WebhookHeaders;
  body: Buffer;
}): WebhookProvider | undefined {
  const { secret, headers, body } = options;
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    return safeEqual(github.trim().toLowerCase(), `sha256=${hmacHex(secret, body)}`) ? 'github' : undefined;
  }
  const gitea = header(headers, 'x-gitea-signature');
  if (gitea !== undefined) {
    return safeEqual(gitea.trim().toLowerCase(), hmacHex(secret, body)) ? 'gitea' : undefined;
  }
  const gitlab = header(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    return safeEqual(gitlab, secret) ? 'gitlab' : undefined;
  }
  return undefined;
}
