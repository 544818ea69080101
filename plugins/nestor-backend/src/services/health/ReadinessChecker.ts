import { ReadinessResponse } from '@nestor/plugin-nestor-common';

type CheckStatus = ReadinessResponse['checks'][string];
type CheckFn = () => Promise<Omit<CheckStatus, 'durationMs'> | void>;

/**
 * A readiness check over dependencies of one kind (clusters, Argo CD
 * instances): ok when `unreachable` lists none, else degraded with each
 * name and why.
 * @internal
 */
export function unreachableCheck(unreachable: () => Promise<Array<{ name: string; message: string }>>): CheckFn {
  return async () => {
    const down = await unreachable();
    return down.length > 0 ? { status: 'degraded', message: down.map(d => `${d.name}: ${d.message}`).join('; ') } : undefined;
  };
}

/**
 * Runs the named readiness checks (store, sources, engines, clusters, ...)
 * in parallel, each bounded by a timeout.
 * @public
 */
export class ReadinessChecker {
  readonly #checks = new Map<string, { fn: CheckFn; critical: boolean }>();
  readonly #timeoutMs: number;

  static create(options: { timeoutMs?: number } = {}): ReadinessChecker {
    return new ReadinessChecker(options.timeoutMs ?? 5000);
  }

  private constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Adds a check. A check resolves (ok), resolves with a status, or throws
   * (down). A non-critical check that fails makes the whole answer `degraded`
   * instead of `down`.
   */
  addCheck(name: string, fn: CheckFn, options: { critical?: boolean } = {}): void {
    this.#checks.set(name, { fn, critical: options.critical ?? true });
  }

  async run(): Promise<ReadinessResponse> {
    const entries = await Promise.all(
      [...this.#checks.entries()].map(async ([name, { fn, critical }]) => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        let result: CheckStatus;
        try {
          const value = await Promise.race([
            fn(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
            }),
          ]);
          result = { status: 'ok', ...(value ?? {}) };
        } catch (error) {
          result = { status: 'down', message: (error as Error).message ?? String(error) };
        } finally {
          clearTimeout(timer);
        }
        return [name, { ...result, durationMs: Date.now() - started }, critical] as const;
      }),
    );
    let status: ReadinessResponse['status'] = 'ok';
    for (const [, check, critical] of entries) {
      if (check.status === 'down' && critical) status = 'down';
      else if (check.status !== 'ok' && status === 'ok') status = 'degraded';
    }
    return { status, checks: Object.fromEntries(entries.map(([name, check]) => [name, check])) };
  }
}
