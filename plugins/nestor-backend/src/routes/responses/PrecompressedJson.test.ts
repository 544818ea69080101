import { once } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { PrecompressedJson } from './PrecompressedJson';

/** An app with Backstage's own compression middleware in front, as the root HTTP router has it. */
function app(bodies: PrecompressedJson, json: () => string) {
  const middleware = MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() });
  const server = express();
  server.use(middleware.compression());
  server.get('/pre', (req, res) => bodies.send(req, res, json()));
  server.get('/plain', (_req, res) => res.type('application/json').send(json()));
  return server;
}

/** The raw bytes and headers of a GET, with exactly these request headers (no client decompression). */
async function raw(server: express.Express, path: string, headers: Record<string, string>) {
  const listening = http.createServer(server).listen(0, '127.0.0.1');
  await once(listening, 'listening');
  try {
    const { port } = listening.address() as AddressInfo;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path, headers }, resolve).on('error', reject),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
  } finally {
    listening.close();
  }
}

const bigJson = (n: number) =>
  JSON.stringify({ items: Array.from({ length: n }, (_, i) => ({ name: `item-${i}`, text: 'x'.repeat(200) })), totalCount: n });

describe('PrecompressedJson', () => {
  it('sends gzip a gzip client can read back to the same text the middleware would send, compressing it once', async () => {
    const bodies = new PrecompressedJson();
    const text = bigJson(50);
    const server = app(bodies, () => text);
    const gzip = { 'Accept-Encoding': 'gzip' };

    const pre = await raw(server, '/pre', gzip);
    const plain = await raw(server, '/plain', gzip);
    expect(pre.status).toBe(200);
    expect(pre.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBe('gzip');
    expect(pre.headers['content-type']).toBe(plain.headers['content-type']);
    expect(pre.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(pre.body).toString('utf8')).toBe(text);
    expect(gunzipSync(plain.body).toString('utf8')).toBe(text);

    const again = await raw(server, '/pre', gzip);
    expect(again.body.equals(pre.body)).toBe(true);
    expect(bodies.usage.entries).toBe(1);
  });

  it('leaves Brotli, identity, HEAD and small bodies to the middleware, and keeps none of them', async () => {
    const bodies = new PrecompressedJson();
    let text = bigJson(50);
    const server = app(bodies, () => text);

    const br = await raw(server, '/pre', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    const identity = await raw(server, '/pre', { 'Accept-Encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.toString('utf8')).toBe(text);
    const none = await raw(server, '/pre', {});
    expect(none.headers['content-encoding']).toBeUndefined();
    const head = await request(server).head('/pre').set('Accept-Encoding', 'gzip');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(bodies.usage.entries).toBe(0);

    text = '{"items":[],"totalCount":0}';
    const small = await raw(server, '/pre', { 'Accept-Encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.toString('utf8')).toBe(text);
    expect(bodies.usage.entries).toBe(0);
  });

  it('never answers with a stale body: a changed text is another entry', async () => {
    const bodies = new PrecompressedJson();
    let text = bigJson(20);
    const server = app(bodies, () => text);
    const first = await raw(server, '/pre', { 'Accept-Encoding': 'gzip' });
    text = bigJson(21);
    const second = await raw(server, '/pre', { 'Accept-Encoding': 'gzip' });
    expect(gunzipSync(first.body).toString('utf8')).toBe(bigJson(20));
    expect(gunzipSync(second.body).toString('utf8')).toBe(bigJson(21));
  });

  it('keeps at most its byte budget, dropping the least recently used body first', () => {
    const texts = Array.from({ length: 20 }, (_, i) => bigJson(10 + i));
    const maxBytes = 8 * Buffer.byteLength(texts[19]);
    const bodies = new PrecompressedJson({ maxBytes });
    const first = bodies.gzipOf(texts[0]);
    const second = bodies.gzipOf(texts[1]);
    for (const text of texts.slice(2)) {
      bodies.gzipOf(text);
      expect(bodies.gzipOf(texts[0])).toBe(first); // used again each time: never the one dropped
      expect(bodies.usage.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(bodies.usage.entries).toBeLessThan(20);
    expect(bodies.gzipOf(texts[1])).not.toBe(second); // dropped, compressed anew
    expect(gunzipSync(bodies.gzipOf(texts[1])!).toString('utf8')).toBe(texts[1]);
  });

  it('does not keep a body larger than an eighth of its budget', () => {
    const bodies = new PrecompressedJson({ maxBytes: 8 * 1024 });
    expect(bodies.gzipOf(bigJson(10))).toBeUndefined();
    expect(bodies.usage).toEqual({ entries: 0, bytes: 0 });
  });
});
