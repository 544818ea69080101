import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';

/** Totals since the store started, per DynamoDB operation. @public */
export interface DynamoDbStoreMetricsSnapshot {
  requests: Record<string, number>;
  throttles: Record<string, number>;
  retries: Record<string, number>;
  failures: Record<string, number>;
}

type Attributes = { operation: string; reason?: string };

/**
 * What the store reports about its DynamoDB calls: every request, every
 * throttling answer (`ProvisionedThroughputExceededException`,
 * `ThrottlingException`, `RequestLimitExceeded`, unprocessed batch items),
 * every retry and every call that failed for good. Sent to Backstage's
 * metrics service (OpenTelemetry) when one is given, and kept as totals for
 * {@link DynamoDbStoreMetrics.snapshot}.
 * @public
 */
export class DynamoDbStoreMetrics {
  readonly #totals: DynamoDbStoreMetricsSnapshot = {
    requests: {},
    throttles: {},
    retries: {},
    failures: {},
  };
  readonly #requests?: MetricsServiceCounter<Attributes>;
  readonly #throttles?: MetricsServiceCounter<Attributes>;
  readonly #retries?: MetricsServiceCounter<Attributes>;
  readonly #failures?: MetricsServiceCounter<Attributes>;
  readonly #duration?: MetricsServiceHistogram<Attributes>;

  static create(
    options: { metrics?: MetricsService } = {},
  ): DynamoDbStoreMetrics {
    return new DynamoDbStoreMetrics(options.metrics);
  }

  private constructor(metrics?: MetricsService) {
    if (metrics) {
      this.#requests = metrics.createCounter('nestor.store.dynamodb.requests', {
        description:
          'DynamoDB requests sent by the Nestor store, retries included',
      });
      this.#throttles = metrics.createCounter(
        'nestor.store.dynamodb.throttles',
        {
          description:
            'DynamoDB requests refused for throughput (or batch items left unprocessed)',
        },
      );
      this.#retries = metrics.createCounter('nestor.store.dynamodb.retries', {
        description: 'DynamoDB requests retried after a backoff',
      });
      this.#failures = metrics.createCounter('nestor.store.dynamodb.failures', {
        description:
          'DynamoDB calls that failed after every retry (conditional check failures excluded)',
      });
      this.#duration = metrics.createHistogram(
        'nestor.store.dynamodb.request.duration',
        {
          description: 'Duration of one DynamoDB request',
          unit: 'ms',
        },
      );
    }
  }

  request(operation: string, durationMs: number): void {
    this.#bump('requests', operation);
    this.#requests?.add(1, { operation });
    this.#duration?.record(durationMs, { operation });
  }

  throttle(operation: string, reason: string): void {
    this.#bump('throttles', operation);
    this.#throttles?.add(1, { operation, reason });
  }

  retry(operation: string, reason: string): void {
    this.#bump('retries', operation);
    this.#retries?.add(1, { operation, reason });
  }

  failure(operation: string, reason: string): void {
    this.#bump('failures', operation);
    this.#failures?.add(1, { operation, reason });
  }

  /** A copy of the totals. */
  snapshot(): DynamoDbStoreMetricsSnapshot {
    return {
      requests: { ...this.#totals.requests },
      throttles: { ...this.#totals.throttles },
      retries: { ...this.#totals.retries },
      failures: { ...this.#totals.failures },
    };
  }

  #bump(kind: keyof DynamoDbStoreMetricsSnapshot, operation: string) {
    this.#totals[kind][operation] = (this.#totals[kind][operation] ?? 0) + 1;
  }
}
