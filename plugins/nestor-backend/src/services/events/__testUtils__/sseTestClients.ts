import { NESTOR_EVENT_TYPES, NestorEvent, NewNestorEvent } from '@nestor/plugin-nestor-common';
import { EventSource } from 'eventsource';

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

/** A deployment event of a team, or a global one for `null`. */
export function teamEvent(team: string | null, i: number, extra: Partial<NewNestorEvent> = {}): NewNestorEvent {
  return { type: 'deployment.phase', team, ref: team ? `${team}/dev/app-${i}` : null, payload: { i }, ...extra };
}

/**
 * A fetch whose open streams a test can cut, and whose next connections it
 * can hold back until it says so (to publish while a client is away).
 */
export function controllableFetch(token?: string) {
  const open = new Set<AbortController>();
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const requests: Array<{ url: string; lastEventId: string | null }> = [];
  const fetchFn = async (url: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (gate) await gate;
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    requests.push({ url: String(url), lastEventId: headers.get('last-event-id') });
    const controller = new AbortController();
    open.add(controller);
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    try {
      return await fetch(url, { ...init, headers, signal });
    } finally {
      signal.addEventListener('abort', () => open.delete(controller));
    }
  };
  return {
    fetch: fetchFn,
    requests,
    /** Cuts every open stream, as a network failure would. */
    cutAll() {
      for (const c of open) c.abort(new Error('cut by the test'));
      open.clear();
    },
    /** New connections wait until {@link release}. */
    hold() {
      gate = new Promise(resolve => {
        release = resolve;
      });
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

/**
 * The `eventsource` npm package (not our client) listening to every Nestor
 * event type and `reset`, recording what arrives.
 */
export function openEventSource(url: string, fetchFn: (url: string | URL, init: any) => Promise<Response>) {
  const events: NestorEvent[] = [];
  const ids: string[] = [];
  const resets: Array<{ id: string; data: any }> = [];
  const errors: Array<{ code?: number; message?: string }> = [];
  const es = new EventSource(url, { fetch: fetchFn as any });
  let opens = 0;
  es.addEventListener('open', () => {
    opens += 1;
  });
  es.addEventListener('error', (e: any) => errors.push({ code: e.code, message: e.message }));
  for (const type of NESTOR_EVENT_TYPES) {
    es.addEventListener(type, (e: MessageEvent) => {
      events.push(JSON.parse(e.data));
      ids.push(e.lastEventId);
    });
  }
  es.addEventListener('reset', (e: MessageEvent) => resets.push({ id: e.lastEventId, data: JSON.parse(e.data) }));
  return {
    es,
    events,
    ids,
    resets,
    errors,
    get opens() {
      return opens;
    },
    opened: () => waitFor(() => opens > 0, `${url} to open`),
    close: () => es.close(),
  };
}

/** Reads a raw HTTP response body as text as it arrives (no SSE client in between). */
export function readRaw(response: Response) {
  let text = '';
  let ended = false;
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // cancelled by the test, or cut by the server
    } finally {
      ended = true;
    }
  })();
  return {
    get text() {
      return text;
    },
    get ended() {
      return ended;
    },
    done,
    cancel: () => reader.cancel().catch(() => {}),
  };
}
