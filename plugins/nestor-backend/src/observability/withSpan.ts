import {
  Attributes,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

const tracer = () => trace.getTracer('backstage-plugin-nestor');

/**
 * Runs `fn` inside an active span named `name` (a child of the current span,
 * so HTTP request → deploy phase → engine/Git/Argo CD call nest). A thrown
 * error is recorded on the span and sets its status to ERROR, then rethrown.
 * Without an OpenTelemetry SDK registered (no instrumentation file) the
 * spans are no-ops.
 * @internal
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  options: { kind?: SpanKind } = {},
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { attributes, kind: options.kind ?? SpanKind.INTERNAL },
    async span => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: (error as Error)?.message,
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Adds the W3C trace context of the active span (`traceparent`,
 * `tracestate`) to outgoing HTTP headers: the Argo CD client and the
 * isomorphic-git calls (GitOps fetch and push, `ls-remote`) send it. Calls
 * made by the git command line and by `@kubernetes/client-node` have spans
 * but do not carry the header. Needs a propagator registered (the Node SDK
 * of `instrumentation.js` registers W3C's); without one it adds nothing.
 * @internal
 */
export function withTraceHeaders(
  headers: Record<string, string> = {},
): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}
