import { DynamoDbStoreMetrics } from './DynamoDbStoreMetrics';

/** How DynamoDB calls are retried. @public */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 8. */
  maxAttempts: number;
  /** First backoff ceiling; doubled at every attempt. Default 25 ms. */
  baseDelayMs: number;
  /** Highest backoff ceiling. Default 2000 ms. */
  maxDelayMs: number;
}

/** The default {@link RetryOptions}. @public */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 25,
  maxDelayMs: 2000,
};

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const TRANSIENT = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** The error's name (or code, for network errors). */
function errorName(error: unknown): string {
  const e = error as { name?: string; code?: string };
  return e?.code && TRANSIENT.has(e.code) ? e.code : e?.name ?? 'Error';
}

/** True when DynamoDB refused the call for throughput. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error));
}

function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })
    ?.$metadata?.httpStatusCode;
  return (
    TRANSIENT.has(errorName(error)) || (status !== undefined && status >= 500)
  );
}

/** Thrown when a batch still has unprocessed items after every retry. */
export class UnprocessedItemsError extends Error {
  name = 'ThrottlingException';
}

/**
 * Retries throttled and transient DynamoDB calls with capped exponential
 * backoff and full jitter (a random wait between 0 and the ceiling), so that
 * replicas refused at once do not come back at once. Conditional check
 * failures and validation errors are never retried here: they are answers.
 * @public
 */
export class RetryPolicy {
  readonly #options: RetryOptions;
  readonly #metrics: DynamoDbStoreMetrics;
  readonly #sleep: (ms: number) => Promise<void>;

  static create(options: {
    retry?: Partial<RetryOptions>;
    metrics: DynamoDbStoreMetrics;
    sleep?: (ms: number) => Promise<void>;
  }): RetryPolicy {
    return new RetryPolicy(
      { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
      options.metrics,
      options.sleep,
    );
  }

  private constructor(
    options: RetryOptions,
    metrics: DynamoDbStoreMetrics,
    sleep?: (ms: number) => Promise<void>,
  ) {
    this.#options = options;
    this.#metrics = metrics;
    this.#sleep =
      sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** The backoff before retry number `attempt` (1-based): uniform in [0, ceiling]. */
  delayFor(attempt: number): number {
    const ceiling = Math.min(
      this.#options.maxDelayMs,
      this.#options.baseDelayMs * 2 ** (attempt - 1),
    );
    return Math.random() * ceiling;
  }

  /** Runs `call`, retrying throttling and transient errors. */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const result = await call();
        this.#metrics.request(operation, Date.now() - started);
        return result;
      } catch (error) {
        this.#metrics.request(operation, Date.now() - started);
        const throttled = isThrottling(error);
        if (throttled) {
          this.#metrics.throttle(operation, errorName(error));
        }
        if (!(throttled || isTransient(error))) {
          throw error;
        }
        if (attempt >= this.#options.maxAttempts) {
          this.#metrics.failure(operation, errorName(error));
          throw error;
        }
        this.#metrics.retry(operation, errorName(error));
        await this.#sleep(this.delayFor(attempt));
      }
    }
  }

  /**
   * Drives a batch call whose answer may leave items unprocessed (DynamoDB's
   * way of throttling batches): `call` gets what is left and returns what is
   * still left; each round with leftovers counts as a throttle and backs off.
   */
  async drain<T>(
    operation: string,
    items: T[],
    call: (items: T[]) => Promise<T[]>,
  ): Promise<void> {
    let left = items;
    for (let round = 1; left.length > 0; round++) {
      const pending = left;
      left = await this.run(operation, () => call(pending));
      if (left.length === 0) {
        return;
      }
      this.#metrics.throttle(operation, 'UnprocessedItems');
      if (round >= this.#options.maxAttempts) {
        this.#metrics.failure(operation, 'UnprocessedItems');
        throw new UnprocessedItemsError(
          `DynamoDB left ${left.length} item(s) of a ${operation} unprocessed after ${round} attempts`,
        );
      }
      this.#metrics.retry(operation, 'UnprocessedItems');
      await this.#sleep(this.delayFor(round));
    }
  }
}
