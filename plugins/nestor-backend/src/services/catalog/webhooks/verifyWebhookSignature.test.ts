import { createHmac } from 'node:crypto';
import { verifyWebhookSignature } from './verifyWebhookSignature';

const secret = "It's a Secret to Everybody";
const body = Buffer.from('Hello, World!');

describe('verifyWebhookSignature', () => {
  it('accepts GitHub’s documented test vector', () => {
    // from GitHub's "Validating webhook deliveries" documentation
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-hub-signature-256': signature } })).toBe('github');
  });

  it('accepts a Gitea signature (bare hex HMAC) and a GitLab token', () => {
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-gitea-signature': hex } })).toBe('gitea');
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-gitlab-token': secret } })).toBe('gitlab');
  });

  it('refuses a signature of another body, another secret, a missing header, or a wrong token', () => {
    const good = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(verifyWebhookSignature({ secret, body: Buffer.from('Hello, World?'), headers: { 'x-hub-signature-256': good } })).toBeUndefined();
    expect(verifyWebhookSignature({ secret: 'other', body, headers: { 'x-hub-signature-256': good } })).toBeUndefined();
    expect(verifyWebhookSignature({ secret, body, headers: {} })).toBeUndefined();
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-gitlab-token': `${secret}x` } })).toBeUndefined();
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-gitlab-token': '' } })).toBeUndefined();
    expect(verifyWebhookSignature({ secret, body, headers: { 'x-gitea-signature': good } })).toBeUndefined();
  });

  it('does not fall back to another scheme when the first header present is wrong', () => {
    expect(
      verifyWebhookSignature({ secret, body, headers: { 'x-hub-signature-256': 'sha256=00', 'x-gitlab-token': secret } }),
    ).toBeUndefined();
  });
});
