import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { NestorMetrics } from '../../observability/NestorMetrics';
import { classifyError } from '../deployments/classifyError';
import { CircuitBreakers } from './CircuitBreakers';
import { isOutage } from './isOutage';
import {
  CircuitOpenError,
  unavailableDependency,
} from './unavailableDependency';

const GIT = { system: 'git' as const, target: 'git.example.com' };
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
    code: 'ECONNREFUSED',
  });

/** A MetricsService that keeps what it is given, with gauges read on demand. */
function recordingMetrics() {
  const points: Array<{ name: string; attributes?: Record<string, unknown> }> =
    [];
  const gauges = new Map<string, Array<(r: any) => void>>();
  const instrument = (name: string) => ({
    add: (_v: number, attributes?: Record<string, unknown>) =>
      points.push({ name, attributes }),
    record: (_v: number, attributes?: Record<string, unknown>) =>
      points.push({ name, attributes }),
  });
  const service = {
    createCounter: instrument,
    createHistogram: instrument,
    createGauge: instrument,
    createObservableGauge: (name: string) => ({
      addCallback: (cb: (r: any) => void) =>
        gauges.set(name, [...(gauges.get(name) ?? []), cb]),
    }),
  } as unknown as MetricsService;
  const read = (name: string) => {
    const seen: Array<[number, Record<string, unknown>]> = [];
    for (const cb of gauges.get(name) ?? []) {
      cb({
        observe: (v: number, a: Record<string, unknown>) => seen.push([v, a]),
      });
    }
    return seen;
  };
  return { service, points, read };
}

describe('isOutage', () => {
  it('counts network errors, 5xx and 429 of every client, and the git command saying the server is gone', () => {
    expect(isOutage(refused())).toBe(true);
    // fetch (undici): the code is on the cause
    expect(
      isOutage(
        Object.assign(new TypeError('fetch failed'), {
          cause: { code: 'UND_ERR_SOCKET' },
        }),
      ),
    ).toBe(true);
    // isomorphic-git HttpError
    expect(
      isOutage(
        Object.assign(new Error('HTTP Error: 503'), {
          data: { statusCode: 503 },
        }),
      ),
    ).toBe(true);
    // @kubernetes/client-node ApiException
    expect(isOutage(Object.assign(new Error('x'), { code: 502 }))).toBe(true);
    expect(isOutage(Object.assign(new Error('x'), { statusCode: 429 }))).toBe(
      true,
    );
    expect(
      isOutage(
        new Error(
          "git fetch failed (exit 128): fatal: unable to access 'http://h/x.git/': Failed to connect to h port 80: Connection refused",
        ),
      ),
    ).toBe(true);
    expect(
      isOutage(
        new Error(
          "fatal: unable to access 'http://h/x.git/': The requested URL returned error: 502",
        ),
      ),
    ).toBe(true);
  });

  it('does not count answers that say nothing about the dependency health', () => {
    expect(isOutage(Object.assign(new Error('x'), { statusCode: 404 }))).toBe(
      false,
    );
    expect(
      isOutage(
        Object.assign(new Error('HTTP Error: 401'), {
          data: { statusCode: 401 },
        }),
      ),
    ).toBe(false);
    expect(
      isOutage(
        new Error(
          "fatal: unable to access 'http://h/x.git/': The requested URL returned error: 403",
        ),
      ),
    ).toBe(false);
    expect(
      isOutage(new Error("fatal: couldn't find remote ref refs/heads/nope")),
    ).toBe(false);
    expect(isOutage(new Error('push rejected: fetch first'))).toBe(false);
    // the breaker's own refusal, even when it quotes the failure that opened it
    expect(
      isOutage(new CircuitOpenError(GIT, 1000, 'Failed to connect to h')),
    ).toBe(false);
  });
});

describe('CircuitBreakers', () => {
  it('opens after the threshold of consecutive outages, refuses calls without making them, half-opens after the wait and closes on a success', async () => {
    const { service, points, read } = recordingMetrics();
    const breakers = CircuitBreakers.create({
      settings: { failureThreshold: 3, halfOpenAfterMs: 200 },
      metrics: NestorMetrics.create({ metrics: service }),
    });
    let calls = 0;
    let down = true;
    const call = () =>
      breakers.call(GIT, 'fetch', async () => {
        calls++;
        if (down) throw refused();
        return 'abc';
      });

    for (let i = 0; i < 3; i++) {
      const error = await call().catch(e => e);
      expect(error.code).toBe('ECONNREFUSED');
      // the failure is marked as the dependency's, whatever wraps it later
      expect(
        unavailableDependency(
          Object.assign(new Error('wrapped'), { cause: error }),
        ),
      ).toEqual({ dependency: GIT });
    }
    expect(breakers.state(GIT)).toBe('open');
    expect(read('nestor.circuit.state')).toEqual([
      [2, { system: 'git', target: 'git.example.com' }],
    ]);

    const open = await call().catch(e => e);
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(open).toBeInstanceOf(TransientEngineError);
    expect(classifyError(open).transient).toBe(true);
    expect(open.message).toContain(
      'Git host git.example.com is not answering: circuit open',
    );
    expect(open.message).toContain('ECONNREFUSED');
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(open.retryAfterMs).toBeLessThanOrEqual(200);
    expect(calls).toBe(3);
    expect(await breakers.health()).toEqual({
      status: 'degraded',
      message: expect.stringMatching(
        /^Git host git\.example\.com: open until .+ \(connect ECONNREFUSED/,
      ),
    });

    down = false;
    await sleep(220);
    await expect(call()).resolves.toBe('abc');
    expect(calls).toBe(4);
    expect(breakers.state(GIT)).toBe('closed');
    expect(await breakers.health()).toBeUndefined();
    const [status] = breakers.statuses();
    expect(status.transitions.map(t => t.state)).toEqual([
      'open',
      'half-open',
      'closed',
    ]);
    expect(read('nestor.circuit.state')).toEqual([
      [0, { system: 'git', target: 'git.example.com' }],
    ]);
    expect(
      points
        .filter(p => p.name === 'nestor.circuit.transitions')
        .map(p => p.attributes?.state),
    ).toEqual(['open', 'half-open', 'closed']);
    expect(
      points.filter(p => p.name === 'nestor.external.call.duration'),
    ).toHaveLength(5);
  });

  it('opens again when the test call of a half-open circuit fails', async () => {
    const breakers = CircuitBreakers.create({
      settings: { failureThreshold: 1, halfOpenAfterMs: 50 },
    });
    const fail = () =>
      breakers.call(GIT, 'fetch', async () => Promise.reject(refused()));
    await fail().catch(() => undefined);
    expect(breakers.state(GIT)).toBe('open');
    await sleep(70);
    await fail().catch(() => undefined);
    expect(breakers.state(GIT)).toBe('open');
    expect(breakers.statuses()[0].transitions.map(t => t.state)).toEqual([
      'open',
      'half-open',
      'open',
    ]);
  });

  it('keeps one breaker per dependency and ignores errors that are not outages', async () => {
    const breakers = CircuitBreakers.create({
      settings: { failureThreshold: 1, halfOpenAfterMs: 60_000 },
    });
    const other = { system: 'argocd' as const, target: 'main' };
    const notFound = Object.assign(new Error('not found'), { statusCode: 404 });
    for (let i = 0; i < 3; i++) {
      expect(
        await breakers
          .call(GIT, 'fetch', async () => Promise.reject(notFound))
          .catch(e => e),
      ).toBe(notFound);
    }
    expect(unavailableDependency(notFound)).toBeUndefined();
    expect(breakers.state(GIT)).toBe('closed');

    await breakers
      .call(other, 'sync', async () => Promise.reject(refused()))
      .catch(() => undefined);
    expect(breakers.state(other)).toBe('open');
    expect(breakers.state(GIT)).toBe('closed');
    await expect(breakers.call(GIT, 'fetch', async () => 1)).resolves.toBe(1);
  });

  it('retries outages within one call when asked, each attempt counting for the breaker', async () => {
    const breakers = CircuitBreakers.create({
      settings: { failureThreshold: 3, halfOpenAfterMs: 60_000 },
    });
    let calls = 0;
    const flaky = () =>
      breakers.call(
        other(),
        'sync',
        async () => {
          calls++;
          if (calls <= 2)
            throw Object.assign(new Error('busy'), { statusCode: 503 });
          return 'synced';
        },
        { retries: 2, backoffMs: 1 },
      );
    await expect(flaky()).resolves.toBe('synced');
    expect(calls).toBe(3);
    expect(breakers.state(other())).toBe('closed');

    calls = -10;
    const error = await flaky().catch(e => e);
    // three attempts (one call and two retries) failed: the third opened the circuit
    expect(error.statusCode).toBe(503);
    expect(calls).toBe(-7);
    expect(breakers.state(other())).toBe('open');
    // an open circuit's refusal is not retried: no attempt is made
    expect(await flaky().catch(e => e)).toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(-7);

    function other() {
      return { system: 'argocd' as const, target: 'main' };
    }
  });

  it('abandons a call that does not settle within callTimeoutMs, aborting its signal, and counts it as a failure', async () => {
    const breakers = CircuitBreakers.create({
      settings: {
        failureThreshold: 1,
        halfOpenAfterMs: 60_000,
        callTimeoutMs: 50,
      },
    });
    let aborted = false;
    const hung = await breakers
      .call(GIT, 'ls-remote', signal => {
        signal?.addEventListener('abort', () => {
          aborted = true;
        });
        return new Promise<never>(() => {});
      })
      .catch(e => e);
    expect(hung.code).toBe('ETIMEDOUT');
    expect(hung.message).toBe(
      'Git host git.example.com did not answer within 50 ms',
    );
    expect(aborted).toBe(true);
    expect(unavailableDependency(hung)).toEqual({ dependency: GIT });
    expect(breakers.state(GIT)).toBe('open');

    // a call that may not be abandoned is waited for
    const patient = CircuitBreakers.create({ settings: { callTimeoutMs: 10 } });
    await expect(
      patient.call(GIT, 'push', () => sleep(60).then(() => 'pushed'), {
        timeout: false,
      }),
    ).resolves.toBe('pushed');
  });
});
