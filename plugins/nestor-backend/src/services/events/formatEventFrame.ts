import { NestorEvent } from '@nestor/plugin-nestor-common';

/**
 * One event as a `text/event-stream` message: `id:` (for `Last-Event-ID`),
 * `event:` (the type) and the event as JSON on one `data:` line (JSON.stringify
 * escapes newlines). `visibleTo` stays on the server: it routes the event and
 * names teams the receiver need not learn about.
 * @internal
 */
export function formatEventFrame(event: NestorEvent): Buffer {
  const { visibleTo: _visibleTo, ...wire } = event;
  return Buffer.from(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(wire)}\n\n`);
}

/**
 * The `event: reset` message, sent when the requested `Last-Event-ID` is no
 * longer in the log (older than retention, or from another log). Its `id:` is
 * the newest id, so a client that reconnects after it does not get it again.
 * @internal
 */
export function formatResetFrame(info: { requestedId: number; oldestId?: number; latestId: number; reason: string }): Buffer {
  return Buffer.from(`id: ${info.latestId}\nevent: reset\ndata: ${JSON.stringify(info)}\n\n`);
}
