import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** A backend replica in a child process. */
export interface BackendProcess {
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  /** SIGKILL: the replica dies at once, mid-work, without releasing anything. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts {@link runCrossplaneBackend} with the config and waits until it listens. */
export async function spawnCrossplaneBackend(config: { backend: { baseUrl: string; [key: string]: unknown }; [key: string]: unknown }): Promise<BackendProcess> {
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), path.resolve(__dirname, 'runCrossplaneBackend.ts')],
    { env: { ...process.env, NODE_ENV: 'test', NESTOR_BACKEND_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backend process did not start within 90 s:\n${output}`));
    }, 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('NESTOR_BACKEND_READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`the backend process exited with ${code} before it started:\n${output}`));
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
