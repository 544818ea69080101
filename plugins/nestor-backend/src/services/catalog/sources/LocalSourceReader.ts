import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SourceReader, SourceSnapshot } from './types';

interface FileState {
  mtimeMs: number;
  size: number;
  hash: string;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/**
 * Reads a source from a local folder. A snapshot's "commit" is a fingerprint
 * of every file's content hash; files are re-read and re-hashed only when
 * their size or modification time changed, and the change list is diffed
 * against the last synced snapshot this process saw (the first sync after a
 * start is a full one).
 * @public
 */
export class LocalSourceReader implements SourceReader {
  readonly #root: string;
  readonly #subPath: string;
  #synced?: { commit: string; files: Map<string, FileState> };
  readonly #pending = new Map<string, Map<string, FileState>>();

  static create(options: { path: string; subPath?: string }): LocalSourceReader {
    return new LocalSourceReader(path.resolve(options.path), (options.subPath ?? '').replace(/^\/+|\/+$/g, ''));
  }

  private constructor(root: string, subPath: string) {
    this.#root = root;
    this.#subPath = subPath;
  }

  async read(options: { sinceCommit?: string; signal?: AbortSignal }): Promise<SourceSnapshot> {
    const base = this.#synced?.commit === options.sinceCommit ? this.#synced?.files : undefined;
    const files = new Map<string, FileState>();
    const fresh = new Map<string, Buffer>();
    for (const rel of await this.#walk(this.#subPath, options.signal, { required: true })) {
      const stat = await fs.stat(path.join(this.#root, rel));
      const known = base?.get(rel) ?? this.#synced?.files.get(rel);
      if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
        files.set(rel, known);
        continue;
      }
      const content = await fs.readFile(path.join(this.#root, rel));
      fresh.set(rel, content);
      files.set(rel, { mtimeMs: stat.mtimeMs, size: stat.size, hash: createHash('sha1').update(content).digest('hex') });
    }
    const fingerprint = createHash('sha1');
    for (const rel of [...files.keys()].sort()) fingerprint.update(`${rel}\0${files.get(rel)!.hash}\n`);
    const commit = fingerprint.digest('hex');
    this.#pending.clear();
    this.#pending.set(commit, files);

    const changed: string[] = [];
    const deleted: string[] = [];
    for (const [rel, state] of files) {
      if (!base || base.get(rel)?.hash !== state.hash) changed.push(rel);
    }
    for (const rel of base?.keys() ?? []) {
      if (!files.has(rel)) deleted.push(rel);
    }
    return {
      commit,
      changes: { full: !base, changed, deleted },
      readFiles: async paths => {
        const result = new Map<string, Buffer>();
        for (const rel of paths) {
          const content = fresh.get(rel) ?? (await this.#readIfPresent(rel));
          if (content) result.set(rel, content);
        }
        return result;
      },
      listFiles: async dir => this.#walk(dir, options.signal),
    };
  }

  async markSynced(commit: string): Promise<void> {
    const files = this.#pending.get(commit);
    if (files) this.#synced = { commit, files };
  }

  async #readIfPresent(rel: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(path.join(this.#root, rel));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #walk(dir: string, signal?: AbortSignal, options: { required?: boolean } = {}): Promise<string[]> {
    const out: string[] = [];
    const start = dir.replace(/^\/+|\/+$/g, '');
    const visit = async (rel: string) => {
      signal?.throwIfAborted();
      let entries;
      try {
        entries = await fs.readdir(path.join(this.#root, rel), { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(options.required && rel === start)) return;
        throw new Error(`cannot read folder ${path.join(this.#root, rel)}: ${(error as Error).message}`);
      }
      for (const entry of entries) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await visit(child);
        else if (entry.isFile()) out.push(child);
      }
    };
    await visit(start);
    return out;
  }
}
