import { spawn } from 'node:child_process';

const MAX_CAPTURE = 4 * 1024 * 1024;
// terminal colour codes in CLI output (ESC is the point of the pattern)
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

class OutputTail {
  #chunks: Buffer[] = [];
  #size = 0;

  push(chunk: Buffer) {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > MAX_CAPTURE && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8').replace(ANSI, '');
  }
}

/** Options of {@link runCommand}. @public */
export interface RunCommandOptions {
  cwd: string;
  /** added to (and overriding) the backend's environment */
  env?: Record<string, string | undefined>;
  /** killed (SIGTERM, then SIGKILL) after this long; default 30 minutes */
  timeoutMs?: number;
  /** exit codes that are not failures (default `[0]`) */
  okExitCodes?: readonly number[];
}

/** What a finished command printed. @public */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A command that exited with a code it should not have, or could not start.
 * Its message ends with what the command printed on stderr, so callers can
 * pass it on as is (a failing `terraform plan` explains itself).
 * @public
 */
export class CommandFailedError extends Error {
  readonly name = 'CommandFailedError';
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;

  constructor(message: string, result: Partial<CommandResult>) {
    super(message);
    this.exitCode = result.exitCode;
    this.stdout = result.stdout ?? '';
    this.stderr = result.stderr ?? '';
  }
}

/**
 * Runs an engine's CLI (`terraform`, `pulumi`, `helm`) without a shell and
 * collects its output, with ANSI colours removed. Output beyond 4 MiB per
 * stream keeps its tail, where errors are.
 * @public
 */
export function runCommand(binary: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  const timeoutMs = options.timeoutMs ?? 30 * 60 * 1000;
  const display = [binary.split('/').pop(), ...args.filter(a => !a.includes('='))].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = new OutputTail();
    const stderr = new OutputTail();
    child.stdout.on('data', chunk => stdout.push(chunk));
    child.stderr.on('data', chunk => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('error', error => {
      clearTimeout(timer);
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${binary} was not found` : error.message;
      reject(new CommandFailedError(`${display}: ${reason}`, {}));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { exitCode: code ?? -1, stdout: stdout.text(), stderr: stderr.text() };
      if (timedOut) {
        reject(new CommandFailedError(`${display} timed out after ${timeoutMs} ms`, result));
      } else if (code === null) {
        reject(new CommandFailedError(`${display} was killed by ${signal}`, result));
      } else if (!okExitCodes.includes(code)) {
        const detail = (result.stderr.trim() || result.stdout.trim().split('\n').slice(-20).join('\n')).trim();
        reject(new CommandFailedError(`${display} failed with exit code ${code}${detail ? `:\n${detail}` : ''}`, result));
      } else {
        resolve(result);
      }
    });
  });
}

