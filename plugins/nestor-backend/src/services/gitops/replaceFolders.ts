import fs from 'node:fs';
import git, { TreeEntry } from 'isomorphic-git';
import { GitOpsFile, GitOpsFolderChange } from './types';

interface DirNode {
  files: Map<string, string>;
  dirs: Map<string, DirNode>;
}

/**
 * Writes the tree of `base` with each changed folder replaced, straight into
 * the object database of `gitdir` (no working copy, no index). Returns the
 * new root tree, or undefined when the result is empty.
 * @internal
 */
export async function replaceFolders(options: {
  gitdir: string;
  cache: object;
  baseTree: string | undefined;
  folders: GitOpsFolderChange[];
}): Promise<string | undefined> {
  const { gitdir, cache } = options;
  let root = options.baseTree;
  for (const folder of options.folders) {
    const segments = folder.path.split('/').filter(Boolean);
    if (segments.length === 0) throw new Error('a GitOps folder cannot be the repository root');
    const content = await writeDir(gitdir, buildDir(folder.files));
    root = await replaceAt(gitdir, cache, root, segments, content);
  }
  return root;
}

function buildDir(files: GitOpsFile[]): DirNode {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const file of files) {
    const parts = file.path.split('/').filter(Boolean);
    if (parts.length === 0 || parts.some(p => p === '.' || p === '..')) {
      throw new Error(`invalid file path "${file.path}" in a GitOps folder`);
    }
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      if (!node.dirs.has(dir)) node.dirs.set(dir, { files: new Map(), dirs: new Map() });
      node = node.dirs.get(dir)!;
    }
    node.files.set(parts[parts.length - 1], file.content);
  }
  return root;
}

async function writeDir(gitdir: string, node: DirNode): Promise<string | undefined> {
  const entries: TreeEntry[] = [];
  for (const [name, content] of node.files) {
    const oid = await git.writeBlob({ fs, gitdir, blob: Buffer.from(content, 'utf8') });
    entries.push({ mode: '100644', path: name, oid, type: 'blob' });
  }
  for (const [name, child] of node.dirs) {
    const oid = await writeDir(gitdir, child);
    if (oid) entries.push({ mode: '040000', path: name, oid, type: 'tree' });
  }
  return entries.length > 0 ? git.writeTree({ fs, gitdir, tree: entries }) : undefined;
}

async function replaceAt(
  gitdir: string,
  cache: object,
  treeOid: string | undefined,
  segments: string[],
  content: string | undefined,
): Promise<string | undefined> {
  const entries = treeOid ? (await git.readTree({ fs, gitdir, oid: treeOid, cache })).tree : [];
  const [name, ...rest] = segments;
  const existing = entries.find(e => e.path === name);
  const replacement =
    rest.length === 0 ? content : await replaceAt(gitdir, cache, existing?.type === 'tree' ? existing.oid : undefined, rest, content);
  const kept = entries.filter(e => e.path !== name);
  if (replacement) kept.push({ mode: '040000', path: name, oid: replacement, type: 'tree' });
  return kept.length > 0 ? git.writeTree({ fs, gitdir, tree: kept }) : undefined;
}
