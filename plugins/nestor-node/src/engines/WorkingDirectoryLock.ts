import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TransientEngineError } from './types';

interface LockOwner {
  token: string;
  pid: number;
  hostname: string;
  since: string;
  purpose?: string;
}

/** Options of {@link WorkingDirectoryLock.acquire}. @public */
export interface WorkingDirectoryLockOptions {
  /** how long to wait for a held lock; default 0 (fail at once) */
  timeoutMs?: number;
  /** what the holder is doing, shown to whoever waits (e.g. `apply team-a/dev/db`) */
  purpose?: string;
}

/**
 * An exclusive lock on an engine's working directory (a Terraform or Pulumi
 * workspace), shared by every process that can reach the folder: the lock is
 * a directory `<dir>.lock` created atomically, holding its owner. A lock left
 * by a process that died on this host is taken over. When the lock stays
 * held past the timeout, acquiring fails with a {@link TransientEngineError},
 * so the coordinator retries later instead of running two applies at once.
 * @public
 */
export class WorkingDirectoryLock {
  readonly #lockDir: string;
  readonly #token: string;
  #released = false;

  static async acquire(dir: string, options: WorkingDirectoryLockOptions = {}): Promise<WorkingDirectoryLock> {
    const lockDir = `${path.resolve(dir)}.lock`;
    const owner: LockOwner = {
      token: randomUUID(),
      pid: process.pid,
      hostname: os.hostname(),
      since: new Date().toISOString(),
      purpose: options.purpose,
    };
    const deadline = Date.now() + (options.timeoutMs ?? 0);
    await fs.mkdir(path.dirname(lockDir), { recursive: true });
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      if (await tryCreate(lockDir, owner)) return new WorkingDirectoryLock(lockDir, owner.token);
      const holder = await readOwner(lockDir);
      if (holder ? isDeadLocalProcess(holder) : await isAbandoned(lockDir)) {
        await fs.rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder
          ? `process ${holder.pid} on ${holder.hostname} since ${holder.since}${holder.purpose ? ` (${holder.purpose})` : ''}`
          : 'another process';
        throw new TransientEngineError(`${dir} is locked by ${who}`);
      }
      await new Promise(resolve => setTimeout(resolve, Math.min(wait, Math.max(deadline - Date.now(), 1))));
    }
  }

  private constructor(lockDir: string, token: string) {
    this.#lockDir = lockDir;
    this.#token = token;
  }

  /** Releases the lock, unless another process has taken it over meanwhile. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const holder = await readOwner(this.#lockDir);
    if (holder?.token === this.#token) {
      await fs.rm(this.#lockDir, { recursive: true, force: true });
    }
  }

  /** Runs `work` holding the lock on `dir`. */
  static async run<T>(dir: string, options: WorkingDirectoryLockOptions, work: () => Promise<T>): Promise<T> {
    const lock = await WorkingDirectoryLock.acquire(dir, options);
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }
}

async function tryCreate(lockDir: string, owner: LockOwner): Promise<boolean> {
  try {
    await fs.mkdir(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await fs.writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
  return true;
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    // the holder has created the folder but not written its owner yet, or has just released it
    return undefined;
  }
}

// a lock folder whose owner never got written: its creator died in between
async function isAbandoned(lockDir: string): Promise<boolean> {
  try {
    return Date.now() - (await fs.stat(lockDir)).mtimeMs > 60_000;
  } catch {
    return false;
  }
}

function isDeadLocalProcess(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
