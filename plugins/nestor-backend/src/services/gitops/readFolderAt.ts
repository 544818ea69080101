import fs from 'node:fs';
import git, { Errors } from 'isomorphic-git';

/**
 * The files of a folder at a commit (path relative to the folder → content);
 * empty when the folder does not exist there.
 * @internal
 */
export async function readFolderAt(options: { gitdir: string; cache: object; commit: string; folder: string }): Promise<Map<string, string>> {
  const { gitdir, cache } = options;
  const files = new Map<string, string>();
  const walk = async (oid: string, prefix: string) => {
    for (const entry of (await git.readTree({ fs, gitdir, oid, cache })).tree) {
      if (entry.type === 'tree') await walk(entry.oid, `${prefix}${entry.path}/`);
      else if (entry.type === 'blob') {
        const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
        files.set(`${prefix}${entry.path}`, Buffer.from(blob).toString('utf8'));
      }
    }
  };
  try {
    const { oid } = await git.readTree({ fs, gitdir, oid: options.commit, filepath: options.folder, cache });
    await walk(oid, '');
  } catch (error) {
    if ((error as { code?: string }).code !== Errors.NotFoundError.code) throw error;
  }
  return files;
}
