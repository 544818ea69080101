import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './waitFor';

/** This package's folder (through its own package.json, wherever the code runs from). */
export const E2E_ROOT = path.dirname(
  require.resolve('@nestor/e2e-tests/package.json'),
);
/** The repository's root. */
export const REPO_ROOT = path.resolve(E2E_ROOT, '../..');

/** The app and backend URLs of `app-config.e2e.yaml`. */
export const E2E_APP_URL = 'http://localhost:3100';
export const E2E_BACKEND_URL = 'http://localhost:7107';

interface Child {
  name: string;
  process: ChildProcess;
  exit?: string;
}

/**
 * The real Nestor app and backend, as `npm start` runs them, on the ports of
 * `app-config.e2e.yaml` (3100 and 7107, so a developer's own `npm start`
 * does not get in the way): the backend is `packages/backend` run through
 * Backstage's TypeScript loader without the file watcher (a change made in
 * the tree during a test run must not restart it and empty its in-memory
 * database); the app is the webpack dev server of `packages/app`. Each runs
 * in its own process group, so `stop` ends every process it started.
 *
 * With `NESTOR_E2E_APP_URL` and `NESTOR_E2E_BACKEND_URL` set, nothing is
 * started and those are used instead (a stack left running between runs);
 * `NESTOR_E2E_BACKEND_ENTRY` runs another backend entry file (relative to
 * `packages/backend`), e.g. one with more engine modules.
 */
export class NestorStack {
  readonly appUrl: string;
  readonly backendUrl: string;
  readonly #children: Child[];

  static async start(options: {
    logDir: string;
    timeoutMs?: number;
  }): Promise<NestorStack> {
    const external =
      process.env.NESTOR_E2E_APP_URL && process.env.NESTOR_E2E_BACKEND_URL;
    if (external) {
      const stack = new NestorStack(
        process.env.NESTOR_E2E_APP_URL!,
        process.env.NESTOR_E2E_BACKEND_URL!,
        [],
      );
      await stack.#waitUntilUp(options.timeoutMs ?? 60_000);
      return stack;
    }
    fs.mkdirSync(options.logDir, { recursive: true });
    const config = [
      '--config',
      path.join(REPO_ROOT, 'app-config.yaml'),
      '--config',
      path.join(E2E_ROOT, 'app-config.e2e.yaml'),
    ];
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      BROWSER: 'none',
      FORCE_COLOR: '0',
    };
    const children: Child[] = [];
    const start = (
      name: string,
      command: string,
      args: string[],
      cwd: string,
      extraEnv: Record<string, string> = {},
    ) => {
      const out = fs.openSync(path.join(options.logDir, `${name}.log`), 'w');
      const child: Child = {
        name,
        process: spawn(command, args, {
          cwd,
          env: { ...env, ...extraEnv },
          stdio: ['ignore', out, out],
          detached: true,
        }),
      };
      child.process.on('exit', (code, signal) => {
        child.exit = `${name} exited (${signal ?? code}); see ${path.join(
          options.logDir,
          `${name}.log`,
        )}`;
      });
      children.push(child);
    };
    start(
      'backend',
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        process.env.NESTOR_E2E_BACKEND_ENTRY ?? 'src/index.ts',
        ...config,
      ],
      path.join(REPO_ROOT, 'packages/backend'),
      { ESBK_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.json') },
    );
    start(
      'app',
      process.execPath,
      [
        require.resolve('@backstage/cli/bin/backstage-cli'),
        'package',
        'start',
        ...config,
      ],
      path.join(REPO_ROOT, 'packages/app'),
    );
    const stack = new NestorStack(E2E_APP_URL, E2E_BACKEND_URL, children);
    try {
      await stack.#waitUntilUp(options.timeoutMs ?? 420_000);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private constructor(appUrl: string, backendUrl: string, children: Child[]) {
    this.appUrl = appUrl;
    this.backendUrl = backendUrl;
    this.#children = children;
  }

  async #waitUntilUp(timeoutMs: number): Promise<void> {
    const isAlive = () => this.#children.find(c => c.exit)?.exit;
    await waitFor(
      `the backend at ${this.backendUrl}/api/nestor/health`,
      async () =>
        (
          await fetch(`${this.backendUrl}/api/nestor/health`)
        ).ok
          ? true
          : undefined,
      { timeoutMs, isAlive },
    );
    await waitFor(
      `the app at ${this.appUrl}`,
      async () => {
        const response = await fetch(this.appUrl);
        return response.ok &&
          (await response.text()).includes('<div id="root">')
          ? true
          : undefined;
      },
      { timeoutMs, isAlive },
    );
  }

  /** Ends every process the stack started (their process groups), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(async child => {
        if (child.exit || child.process.pid === undefined) return;
        const exited = new Promise<void>(resolve =>
          child.process.once('exit', () => resolve()),
        );
        const kill = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.process.pid!, signal);
          } catch {
            // already gone
          }
        };
        kill('SIGTERM');
        const timer = setTimeout(() => kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
