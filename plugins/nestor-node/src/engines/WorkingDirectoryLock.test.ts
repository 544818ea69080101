import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransientEngineError } from './types';
import { WorkingDirectoryLock } from './WorkingDirectoryLock';

describe('WorkingDirectoryLock', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-lock-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lets one holder in at a time and names the holder to the others', async () => {
    const dir = path.join(root, 'team-a', 'dev', 'db');
    const first = await WorkingDirectoryLock.acquire(dir, { purpose: 'apply team-a/dev/db' });
    const second = WorkingDirectoryLock.acquire(dir);
    await expect(second).rejects.toThrow(TransientEngineError);
    await expect(second).rejects.toThrow(new RegExp(`locked by process ${process.pid} on .* \\(apply team-a/dev/db\\)`));
    await first.release();
    const third = await WorkingDirectoryLock.acquire(dir);
    await third.release();
  });

  it('waits for the holder up to the timeout', async () => {
    const dir = path.join(root, 'w');
    const first = await WorkingDirectoryLock.acquire(dir);
    setTimeout(() => first.release(), 100);
    const started = Date.now();
    const second = await WorkingDirectoryLock.acquire(dir, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await second.release();
  });

  it('serializes work run under the lock', async () => {
    const dir = path.join(root, 'w');
    const order: string[] = [];
    const job = (name: string) =>
      WorkingDirectoryLock.run(dir, { timeoutMs: 5000 }, async () => {
        order.push(`${name}:start`);
        await new Promise(resolve => setTimeout(resolve, 30));
        order.push(`${name}:end`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i].replace(':start', '')).toBe(order[i + 1].replace(':end', ''));
    }
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = path.join(root, 'w');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise(resolve => child.on('exit', resolve));
    fs.mkdirSync(`${dir}.lock`, { recursive: true });
    fs.writeFileSync(
      path.join(`${dir}.lock`, 'owner.json'),
      JSON.stringify({ token: 'old', pid: deadPid, hostname: os.hostname(), since: '2020-01-01T00:00:00Z' }),
    );
    const lock = await WorkingDirectoryLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(`${dir}.lock`, 'owner.json'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('does not take over a live process on another host', async () => {
    const dir = path.join(root, 'w');
    fs.mkdirSync(`${dir}.lock`, { recursive: true });
    fs.writeFileSync(path.join(`${dir}.lock`, 'owner.json'), JSON.stringify({ token: 'x', pid: 1, hostname: 'other-host', since: 'then' }));
    await expect(WorkingDirectoryLock.acquire(dir)).rejects.toThrow('locked by process 1 on other-host since then');
  });
});
