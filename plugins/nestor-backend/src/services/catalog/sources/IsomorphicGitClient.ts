import fs from 'node:fs';
import path from 'node:path';
import git, { WalkerEntry } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitAuth, GitClient } from './types';
import { isBelow, isOnPathTo } from './pathPrefix';

type DiffEntry = { path: string; deleted: boolean };

/**
 * {@link GitClient} on isomorphic-git: pure JavaScript, used where no `git`
 * binary is installed. Reading many files of a freshly fetched pack is slow
 * (deltas are resolved one object at a time), so large repositories sync
 * faster with {@link CliGitClient}.
 * @public
 */
export class IsomorphicGitClient implements GitClient {
  readonly name = 'isomorphic-git';
  /** isomorphic-git keeps parsed pack indexes here between calls */
  readonly #caches = new Map<string, object>();

  static create(): IsomorphicGitClient {
    return new IsomorphicGitClient();
  }

  private constructor() {}

  async fetch(options: { dir: string; url: string; branch: string; auth?: GitAuth; signal?: AbortSignal }) {
    const { dir, url, branch, auth } = options;
    if (!fs.existsSync(path.join(dir, 'HEAD'))) {
      await fs.promises.mkdir(dir, { recursive: true });
      await git.init({ fs, gitdir: dir, bare: true });
    }
    await git.addRemote({ fs, gitdir: dir, remote: 'origin', url, force: true });
    options.signal?.throwIfAborted();
    const result = await git.fetch({
      fs,
      http,
      gitdir: dir,
      remote: 'origin',
      ref: branch,
      singleBranch: true,
      depth: 1,
      tags: false,
      cache: this.#cache(dir),
      onAuth: auth ? () => ({ username: auth.username, password: auth.password }) : undefined,
      onAuthFailure: () => ({ cancel: true }),
    });
    if (!result.fetchHead) {
      throw new Error(`branch "${branch}" not found in ${url}`);
    }
    await git.writeRef({ fs, gitdir: dir, ref: 'refs/nestor/head', value: result.fetchHead, force: true });
    return result.fetchHead;
  }

  async diff(options: { dir: string; from: string; to: string; path: string }) {
    const { dir, from, to } = options;
    const cache = this.#cache(dir);
    try {
      await git.readCommit({ fs, gitdir: dir, oid: from, cache });
    } catch {
      return undefined;
    }
    const entries: DiffEntry[] = await git.walk({
      fs,
      gitdir: dir,
      cache,
      trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
      map: async (filepath, [a, b]) => {
        if (filepath === '.') return undefined;
        if (!isOnPathTo(filepath, options.path)) return null;
        const [aType, bType] = await Promise.all([a?.type(), b?.type()]);
        const [aOid, bOid] = await Promise.all([a?.oid(), b?.oid()]);
        if (aType === bType && aOid === bOid) return null;
        if (!isBelow(filepath, options.path)) return undefined;
        if (bType === 'blob') return { path: filepath, deleted: false };
        if (aType === 'blob') return { path: filepath, deleted: true };
        return undefined;
      },
    });
    return {
      changed: entries.filter(e => e && !e.deleted).map(e => e.path),
      deleted: entries.filter(e => e && e.deleted).map(e => e.path),
    };
  }

  async listFiles(options: { dir: string; commit: string; path: string }) {
    return git.walk({
      fs,
      gitdir: options.dir,
      cache: this.#cache(options.dir),
      trees: [git.TREE({ ref: options.commit })],
      map: async (filepath, [entry]: Array<WalkerEntry | null>) => {
        if (filepath === '.') return undefined;
        if (!isOnPathTo(filepath, options.path)) return null;
        return (await entry?.type()) === 'blob' && isBelow(filepath, options.path) ? filepath : undefined;
      },
    });
  }

  async readFiles(options: { dir: string; commit: string; paths: string[] }) {
    const result = new Map<string, Buffer>();
    const cache = this.#cache(options.dir);
    for (const filepath of options.paths) {
      try {
        const { blob } = await git.readBlob({ fs, gitdir: options.dir, oid: options.commit, filepath, cache });
        result.set(filepath, Buffer.from(blob));
      } catch (error) {
        if ((error as { code?: string }).code !== 'NotFoundError') throw error;
      }
    }
    return result;
  }

  async keep(options: { dir: string; ref: string; commit: string }) {
    await git.writeRef({ fs, gitdir: options.dir, ref: options.ref, value: options.commit, force: true });
  }

  #cache(dir: string): object {
    let cache = this.#caches.get(dir);
    if (!cache) {
      cache = {};
      this.#caches.set(dir, cache);
    }
    return cache;
  }
}
