/**
 * Replaces the user-info part of URLs in a message (`https://user:token@host`
 * becomes `https://***@host`), so Git errors can be logged and shown.
 * @internal
 */
export function redactUrlCredentials(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}
