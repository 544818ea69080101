import type { NestorEvent } from '@nestor/plugin-nestor-common';

/**
 * A fake of the Nestor backend at the fetch level, for driving the real
 * NestorClient: `routes` answer REST paths with JSON, `/events` answers an
 * open `text/event-stream` body that `push` writes SSE frames into, as the
 * backend's SSE hub does.
 */
export function sseBackend(routes: Record<string, (url: URL) => unknown>) {
  const encoder = new TextEncoder();
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const requests: string[] = [];
  const fetch = jest.fn(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      requests.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
      if (url.pathname === '/api/nestor/events') {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            streams.push(controller);
            init?.signal?.addEventListener('abort', () => {
              try {
                controller.close();
              } catch {
                // already closed
              }
            });
          },
        });
        return new Response(body, {
          status: 200,
          headers: { 'Content-Type': 'text/event-stream' },
        });
      }
      const route = Object.keys(routes).find(
        path => url.pathname === `/api/nestor${path}`,
      );
      if (!route) return new Response('{}', { status: 404 });
      return new Response(JSON.stringify(routes[route](url)), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    },
  );
  return {
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/nestor',
    },
    requests,
    /** how many event streams are open */
    streams: () => streams.length,
    push(event: NestorEvent) {
      const frame = `id: ${event.id}\nevent: ${
        event.type
      }\ndata: ${JSON.stringify(event)}\n\n`;
      for (const s of streams) s.enqueue(encoder.encode(frame));
    },
  };
}
