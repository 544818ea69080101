import { SseChunk } from './SseChunk';

describe('SseChunk', () => {
  it('frames bytes once as an HTTP/1.1 chunk: hex size, CRLF, bytes, CRLF', () => {
    const text = `id: 7\nevent: deployment.phase\ndata: {"é":"ü"}\n\n`;
    const chunk = SseChunk.of(text);
    const bytes = Buffer.byteLength(text);
    expect(chunk.plain.toString()).toBe(text);
    expect(chunk.byteLength).toBe(bytes);
    expect(chunk.chunked.toString()).toBe(`${bytes.toString(16)}\r\n${text}\r\n`);
    expect(chunk.chunked).toBe(chunk.chunked); // built once, shared by every connection
  });
});
