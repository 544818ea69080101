import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GitHttpServer } from './GitHttpServer';
import { GitWorkTree } from './GitWorkTree';

const execFileAsync = promisify(execFile);

async function cloneAndRead(url: string, file: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-git-clone-'));
  try {
    await execFileAsync('git', ['clone', '--quiet', url, dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    return await fs.readFile(path.join(dir, file), 'utf8');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('GitHttpServer', () => {
  let server: GitHttpServer;
  afterEach(async () => {
    await server?.stop();
  });

  it('accepts pushes over HTTP and serves clones of what was pushed', async () => {
    server = await GitHttpServer.start();
    const url = await server.createRepo('buffet');
    const work = await GitWorkTree.create(url);
    const sha = await work.commitAndPush({ 'a.yaml': 'name: a\n' }, 'first');

    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await cloneAndRead(url, 'a.yaml')).toBe('name: a\n');
    expect(server.requests.some(r => r.path.endsWith('/git-receive-pack') && r.status === 200)).toBe(true);
    expect(server.requests.some(r => r.path.endsWith('/git-upload-pack') && r.status === 200)).toBe(true);
    await work.remove();
  });

  it('goes down (connections refused) and comes back on the same port with its repositories', async () => {
    server = await GitHttpServer.start();
    const url = await server.createRepo('buffet');
    const work = await GitWorkTree.create(url);
    await work.commitAndPush({ 'a.yaml': 'v: 1\n' });

    await server.suspend();
    const down = await execFileAsync('git', ['ls-remote', url], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).catch(e => e);
    expect(String(down.stderr)).toMatch(/Failed to connect|Connection refused|Couldn't connect/);

    await server.resume();
    expect(await cloneAndRead(url, 'a.yaml')).toBe('v: 1\n');
    await work.remove();
  });

  it('replaces history on a force-push', async () => {
    server = await GitHttpServer.start();
    const url = await server.createRepo('buffet');
    const work = await GitWorkTree.create(url);
    const first = await work.commitAndPush({ 'a.yaml': 'v: 1\n' });
    await work.commitAndPush({ 'a.yaml': 'v: 2\n' });
    await work.resetHard(first);
    await work.write({ 'a.yaml': 'v: 3\n' });
    const rewritten = await work.commit('rewrite');
    await work.push({ force: true });

    const { stdout } = await execFileAsync('git', ['ls-remote', url, 'refs/heads/main']);
    expect(stdout.split(/\s/)[0]).toBe(rewritten);
    expect(await cloneAndRead(url, 'a.yaml')).toBe('v: 3\n');
    await work.remove();
  });

  it('refuses requests without the configured Basic-auth credentials', async () => {
    server = await GitHttpServer.start({ auth: { username: 'bot', password: 's3cret' } });
    const url = await server.createRepo('private');
    const work = await GitWorkTree.create(server.authenticatedUrl('private'));
    await work.commitAndPush({ 'a.yaml': 'x: 1\n' });

    await expect(cloneAndRead(url, 'a.yaml')).rejects.toThrow();
    expect(server.requests.some(r => r.status === 401)).toBe(true);
    expect(await cloneAndRead(server.authenticatedUrl('private'), 'a.yaml')).toBe('x: 1\n');
    expect(server.requests.filter(r => r.status === 200).every(r => r.user === 'bot')).toBe(true);
    await work.remove();
  });
});
