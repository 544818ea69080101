import { JsonObject } from '@backstage/types';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** A backend running in a child process. */
export interface ChildBackend {
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts {@link runEventsBackend} in a new Node process and waits until it listens. */
export async function spawnEventsBackend(config: JsonObject, options: { timeoutMs?: number } = {}): Promise<ChildBackend> {
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), path.resolve(__dirname, 'runEventsBackend.ts')],
    {
      env: { ...process.env, NODE_ENV: 'test', NESTOR_EVENTS_BACKEND_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backend process did not start within ${options.timeoutMs ?? 90_000} ms:\n${output}`));
    }, options.timeoutMs ?? 90_000);
    const onData = () => {
      if (output.includes('NESTOR_BACKEND_READY')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`the backend process exited with ${code} before it started:\n${output}`));
    });
  });
  const backendConfig = config.backend as { baseUrl: string };
  return {
    baseUrl: `${backendConfig.baseUrl}/api/nestor`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
