import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GitAuth, GitClient } from './types';
import { readLooseBlob, readLooseRef, writeLooseRef } from './gitFiles';
import { redactUrlCredentials } from './redactUrlCredentials';

/** Above this many files, blobs are found through one tree listing. */
const BLOB_LOOKUP_THRESHOLD = 32;

/**
 * {@link GitClient} on the git command line. Much faster than isomorphic-git
 * on large trees (native pack indexing and `cat-file --batch` reads), so it
 * is the default wherever a `git` binary is installed. Credentials go in an
 * `http.extraHeader` passed through the environment, never in arguments.
 * @public
 */
export class CliGitClient implements GitClient {
  readonly name = 'git-cli';
  readonly #binary: string;
  /** `<commit>:<path>` → blob id of the files the last diff found changed */
  #changedBlobs = new Map<string, string>();

  static create(options: { binary?: string } = {}): CliGitClient {
    return new CliGitClient(options.binary ?? 'git');
  }

  /** True when the git binary runs here. */
  static async isAvailable(binary = 'git'): Promise<boolean> {
    return new Promise(resolve => {
      execFile(binary, ['--version'], error => resolve(!error));
    });
  }

  private constructor(binary: string) {
    this.#binary = binary;
  }

  async fetch(options: { dir: string; url: string; branch: string; auth?: GitAuth; signal?: AbortSignal }) {
    const { dir, url, branch, auth, signal } = options;
    try {
      await fs.access(path.join(dir, 'HEAD'));
    } catch {
      await fs.mkdir(dir, { recursive: true });
      await this.#run(['init', '--quiet', '--bare', dir], {});
      await this.#run(['config', 'gc.auto', '0'], { dir });
    }
    await this.#run(
      ['fetch', '--quiet', '--no-tags', '--depth=1', '--force', '--', url, `+refs/heads/${branch}:refs/nestor/head`],
      { dir, env: authEnv(auth), signal },
    );
    return (
      (await readLooseRef(dir, 'refs/nestor/head')) ??
      (await this.#run(['rev-parse', '--verify', 'refs/nestor/head^{commit}'], { dir })).toString('utf8').trim()
    );
  }

  async fetchCommit(options: { dir: string; url: string; commit: string; auth?: GitAuth; signal?: AbortSignal }) {
    if (!/^[0-9a-f]{40}$/.test(options.commit)) throw new Error(`not a commit id: ${options.commit}`);
    await this.#run(['fetch', '--quiet', '--no-tags', '--depth=1', '--no-write-fetch-head', '--', options.url, options.commit], {
      dir: options.dir,
      env: authEnv(options.auth),
      signal: options.signal,
    });
  }

  async diff(options: { dir: string; from: string; to: string; path: string }) {
    const { dir, from, to } = options;
    let out: Buffer;
    try {
      out = await this.#run(['diff-tree', '-r', '-z', '--no-renames', '--raw', from, to, '--', ...pathspec(options.path)], {
        dir,
      });
    } catch {
      // the base commit is not here (a new copy, or history rewritten before it was fetched)
      return undefined;
    }
    // `:<mode> <mode> <old id> <new id> <status>\0<path>\0` per file
    const fields = out.toString('utf8').split('\0');
    const changed: string[] = [];
    const deleted: string[] = [];
    this.#changedBlobs = new Map();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [, , , newId, status] = fields[i].split(' ');
      const file = fields[i + 1];
      if (status === 'D') {
        deleted.push(file);
      } else {
        changed.push(file);
        this.#changedBlobs.set(`${to}:${file}`, newId);
      }
    }
    return { changed, deleted };
  }

  async listFiles(options: { dir: string; commit: string; path: string }) {
    const out = await this.#run(
      ['ls-tree', '-r', '-z', '--name-only', options.commit, '--', ...pathspec(options.path)],
      { dir: options.dir },
    );
    return out.toString('utf8').split('\0').filter(Boolean);
  }

  async readFiles(options: { dir: string; commit: string; paths: string[] }) {
    const result = new Map<string, Buffer>();
    // files the last diff named are usually loose objects after a small fetch
    const rest: string[] = [];
    for (const p of options.paths) {
      const id = this.#changedBlobs.get(`${options.commit}:${p}`);
      const blob = id ? await readLooseBlob(options.dir, id) : undefined;
      if (blob) result.set(p, blob);
      else rest.push(p);
    }
    // cat-file reads one object name per line: a path with a newline cannot be asked for
    const paths = rest.filter(p => !p.includes('\n'));
    if (paths.length === 0) return result;
    // `<commit>:<path>` makes git walk the trees once per file; for many files
    // one `ls-tree` names every blob and cat-file reads them by id
    const names =
      paths.length > BLOB_LOOKUP_THRESHOLD ? await this.#blobIds(options.dir, options.commit) : undefined;
    const wanted = names ? paths.filter(p => names.has(p)) : paths;
    const out = await this.#run(['cat-file', '--batch'], {
      dir: options.dir,
      input: wanted.map(p => `${names ? names.get(p) : `${options.commit}:${p}`}\n`).join(''),
    });
    let offset = 0;
    for (const p of wanted) {
      const eol = out.indexOf(10, offset);
      if (eol < 0) break;
      const header = out.subarray(offset, eol).toString('utf8');
      offset = eol + 1;
      const [, type, size] = header.split(' ');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous') || size === undefined) continue;
      const length = Number(size);
      if (type === 'blob') result.set(p, out.subarray(offset, offset + length));
      offset += length + 1;
    }
    return result;
  }

  /** path → blob id of every file at the commit */
  async #blobIds(dir: string, commit: string): Promise<Map<string, string>> {
    const out = (await this.#run(['ls-tree', '-r', '-z', commit], { dir })).toString('utf8');
    const ids = new Map<string, string>();
    for (const entry of out.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, id] = entry.slice(0, tab).split(' ');
      if (type === 'blob') ids.set(entry.slice(tab + 1), id);
    }
    return ids;
  }

  async keep(options: { dir: string; ref: string; commit: string }) {
    await writeLooseRef(options.dir, options.ref, options.commit);
  }

  #run(
    args: string[],
    options: { dir?: string; env?: Record<string, string>; signal?: AbortSignal; input?: string },
  ): Promise<Buffer> {
    const fullArgs = ['--literal-pathspecs', ...(options.dir ? ['--git-dir', options.dir] : []), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.#binary, fullArgs, {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', ...options.env },
        signal: options.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', chunk => out.push(chunk));
      child.stderr.on('data', chunk => err.push(chunk));
      child.on('error', reject);
      child.on('close', code => {
        if (code === 0) {
          resolve(Buffer.concat(out));
          return;
        }
        const message = redactUrlCredentials(Buffer.concat(err).toString('utf8').trim());
        reject(new Error(`git ${args[0]} failed (exit ${code}): ${message}`));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(options.input ?? '');
    });
  }
}

/** Credentials as an `http.extraHeader` in the environment, where no other process's arguments show them. */
function authEnv(auth?: GitAuth): Record<string, string> {
  if (!auth) return {};
  const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

function pathspec(dir: string): string[] {
  const clean = dir.replace(/^\/+|\/+$/g, '');
  return clean ? [clean] : [];
}
