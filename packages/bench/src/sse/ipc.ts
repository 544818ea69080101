import { ChildProcess, fork } from 'node:child_process';

/** A message to a benchmark child process and its answer. */
interface Envelope {
  id: number;
  type: string;
  [key: string]: unknown;
}

/**
 * A benchmark child process spoken to over IPC: `request(type, body)` sends
 * one message and resolves with the child's answer to it.
 */
export class BenchChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve(v: any): void; reject(e: Error): void }
  >();
  #nextId = 1;
  #output = '';

  /** Forks `script` (TypeScript, through Backstage's node transform) with `--expose-gc`. */
  static start(script: string, env: Record<string, string> = {}): BenchChild {
    const child = fork(require.resolve(`./${script}`), [], {
      execArgv: [
        '--expose-gc',
        // SSE_BENCH_CPU_PROF=<dir>: a CPU profile of each child, to see where fan-out time goes
        ...(process.env.SSE_BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SSE_BENCH_CPU_PROF}`]
          : []),
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new BenchChild(child);
  }

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout!.on('data', d => (this.#output += d));
    child.stderr!.on('data', d => (this.#output += d));
    child.on('message', (message: Envelope & { error?: string }) => {
      const waiter = this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message);
    });
    child.on('exit', code => {
      for (const w of this.#pending.values())
        w.reject(
          new Error(`child exited with ${code}:\n${this.#output.slice(-4000)}`),
        );
      this.#pending.clear();
    });
  }

  request<T>(type: string, body: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, type, ...body });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise(resolve => this.#child.once('exit', resolve));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** In a child: answers each request with what `handlers[type]` returns. */
export function serveRequests(
  handlers: Record<string, (message: any) => Promise<object> | object>,
): void {
  process.on('message', async (message: Envelope) => {
    try {
      const handler = handlers[message.type];
      if (!handler) throw new Error(`unknown request "${message.type}"`);
      const result = await handler(message);
      process.send!({ id: message.id, ...result });
    } catch (error) {
      process.send!({
        id: message.id,
        error: String((error as Error)?.stack ?? error),
      });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
}

/** Memory of this process after a full GC. */
export function settledMemory(): {
  rss: number;
  heap: number;
  heapTotal: number;
} {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heap: m.heapUsed + m.external + m.arrayBuffers,
    heapTotal: m.heapTotal,
  };
}

/** A high-resolution wall-clock time in ms, comparable between processes of one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
