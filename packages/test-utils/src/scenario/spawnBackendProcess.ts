import { ChildProcess, spawn } from 'node:child_process';

/** A backend replica in a child process, started by {@link spawnBackendProcess}. @public */
export interface BackendProcess {
  /** `<backend.baseUrl>/api/nestor` */
  baseUrl: string;
  process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGKILL: the replica dies at once, mid-work, without releasing anything. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript backend script in a new Node process (through
 * Backstage's `nodeTransform.cjs`), with the config as JSON in the
 * `NESTOR_BACKEND_CONFIG` environment variable, and waits until it prints
 * `NESTOR_BACKEND_READY`. The script builds its own `createBackend()` with
 * the features it tests, reads the config from that variable, and stops on
 * SIGTERM.
 * @public
 */
export async function spawnBackendProcess(
  script: string,
  config: {
    backend: { baseUrl: string; [key: string]: unknown };
    [key: string]: unknown;
  },
  options: { timeoutMs?: number } = {},
): Promise<BackendProcess> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), script],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        NESTOR_BACKEND_CONFIG: JSON.stringify(config),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `the backend process did not start within ${timeoutMs} ms:\n${output}`,
        ),
      );
    }, timeoutMs);
    child.stdout!.on('data', () => {
      if (output.includes('NESTOR_BACKEND_READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(
          `the backend process exited with ${code} before it started:\n${output}`,
        ),
      );
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  };
  return {
    baseUrl: `${config.backend.baseUrl}/api/nestor`,
    process: child,
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
