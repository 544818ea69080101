/*
 * OpenTelemetry for the Nestor backend, loaded before the backend starts
 * (the way Backstage documents it):
 *
 *   node --require ./packages/backend/src/instrumentation.js packages/backend
 *   (in the image: NODE_OPTIONS="--require ./instrumentation.js")
 *
 * - Metrics: every plugin's `metricsServiceRef` meter (Nestor's business
 *   metrics, SSE hub counters) and the auto-instrumented HTTP/Express/pg
 *   metrics are served by a Prometheus exporter on :9464/metrics
 *   (OTEL_METRICS_PROMETHEUS_PORT / OTEL_METRICS_PROMETHEUS_HOST to move it).
 * - Traces: exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; W3C `traceparent` is
 *   propagated on incoming and outgoing HTTP by the Node SDK's default
 *   propagators.
 * - OTEL_SDK_DISABLED=true turns it all off.
 *
 * The SDK packages are optional: when they are not installed the backend
 * starts without telemetry and says so once on stderr.
 */
/* eslint-disable no-console */
'use strict';

function load(name) {
  try {
    return require(name);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

function start() {
  if (String(process.env.OTEL_SDK_DISABLED).toLowerCase() === 'true') return;
  const sdkNode = load('@opentelemetry/sdk-node');
  const prometheus = load('@opentelemetry/exporter-prometheus');
  if (!sdkNode || !prometheus) {
    console.warn(
      'nestor instrumentation: @opentelemetry/sdk-node and @opentelemetry/exporter-prometheus are not installed; starting without metrics and traces',
    );
    return;
  }
  const autoInstrumentations = load('@opentelemetry/auto-instrumentations-node');
  const otlpTraces = load('@opentelemetry/exporter-trace-otlp-http');
  const tracesEndpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (tracesEndpoint && !otlpTraces) {
    console.warn('nestor instrumentation: OTEL_EXPORTER_OTLP_ENDPOINT is set but @opentelemetry/exporter-trace-otlp-http is not installed');
  }

  const metricReader = new prometheus.PrometheusExporter({
    port: Number(process.env.OTEL_METRICS_PROMETHEUS_PORT || 9464),
    host: process.env.OTEL_METRICS_PROMETHEUS_HOST || '0.0.0.0',
    endpoint: '/metrics',
  });
  const sdk = new sdkNode.NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'nestor-backend',
    metricReader,
    // the OTLP exporter reads the endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables
    traceExporter: tracesEndpoint && otlpTraces ? new otlpTraces.OTLPTraceExporter() : undefined,
    instrumentations: autoInstrumentations
      ? [
          autoInstrumentations.getNodeAutoInstrumentations({
            // file system spans drown everything else (catalog sync reads many files)
            '@opentelemetry/instrumentation-fs': { enabled: false },
          }),
        ]
      : [],
  });
  sdk.start();

  const shutdown = () => {
    sdk.shutdown().catch(error => console.error('nestor instrumentation: shutdown failed', error));
  };
  process.once('SIGTERM', shutdown);
  process.once('beforeExit', shutdown);
}

start();
