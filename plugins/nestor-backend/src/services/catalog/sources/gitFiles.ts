import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

const SHA = /^[0-9a-f]{40}$/;

/**
 * Reads a blob stored as a loose object (`objects/ab/cdef…`), as a small
 * fetch leaves its objects; undefined when it is packed or missing. Saves
 * starting a git process to read a file or two.
 * @internal
 */
export async function readLooseBlob(gitDir: string, oid: string): Promise<Buffer | undefined> {
  if (!SHA.test(oid)) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(await fs.readFile(path.join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2))));
  } catch {
    return undefined;
  }
  const nul = raw.indexOf(0);
  const [type, size] = raw.subarray(0, nul).toString('latin1').split(' ');
  if (type !== 'blob' || Number(size) !== raw.length - nul - 1) return undefined;
  return raw.subarray(nul + 1);
}

/**
 * Reads a ref git wrote as a loose file; undefined when it is packed,
 * symbolic or missing.
 * @internal
 */
export async function readLooseRef(gitDir: string, ref: string): Promise<string | undefined> {
  try {
    const value = (await fs.readFile(path.join(gitDir, ref), 'utf8')).trim();
    return SHA.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Points a ref at a commit the way git does: write `<ref>.lock`, rename it
 * over the ref (a loose ref wins over a packed one).
 * @internal
 */
export async function writeLooseRef(gitDir: string, ref: string, commit: string): Promise<void> {
  if (!SHA.test(commit) || !/^refs\/[\w./-]+$/.test(ref) || ref.includes('..')) {
    throw new Error(`refusing to write ref ${ref} = ${commit}`);
  }
  const file = path.join(gitDir, ref);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(`${file}.lock`, `${commit}\n`, { flag: 'w' });
  await fs.rename(`${file}.lock`, file);
}
