import { GitOpsConflictError } from './GitOpsConflictError';
import { GitOpsFolderChange } from './types';

/**
 * Rebases folder changes made on `base` onto `theirs` (a three-way merge per
 * file): a file only we changed takes our content, a file only they changed
 * keeps theirs, a file both changed to the same content is kept; a file both
 * changed differently is a conflict, and every such file is named in the
 * {@link GitOpsConflictError}.
 * @internal
 */
export function mergeFolderChanges(options: {
  repo: string;
  branch: string;
  folders: GitOpsFolderChange[];
  /** folder path → (file path → content) on the commit our change was built on */
  base: Map<string, Map<string, string>>;
  /** the same on the branch's new head */
  theirs: Map<string, Map<string, string>>;
}): GitOpsFolderChange[] {
  const conflicts: string[] = [];
  const merged = options.folders.map(folder => {
    const base = options.base.get(folder.path) ?? new Map<string, string>();
    const theirs = options.theirs.get(folder.path) ?? new Map<string, string>();
    const ours = new Map(folder.files.map(f => [f.path, f.content]));
    const files: GitOpsFolderChange['files'] = [];
    for (const file of new Set([...base.keys(), ...theirs.keys(), ...ours.keys()])) {
      const result = mergeFile({ base: base.get(file), theirs: theirs.get(file), ours: ours.get(file) });
      if (result === 'conflict') conflicts.push(`${folder.path}/${file}`);
      else if (result.content !== undefined) files.push({ path: file, content: result.content });
    }
    return { path: folder.path, files };
  });
  if (conflicts.length > 0) throw new GitOpsConflictError({ repo: options.repo, branch: options.branch, files: conflicts.sort() });
  return merged;
}

/**
 * The three-way merge of one file's content (undefined: the file is absent):
 * `conflict` when both sides changed it, differently.
 * @internal
 */
export function mergeFile(versions: { base?: string; theirs?: string; ours?: string }): { content: string | undefined } | 'conflict' {
  const { base, theirs, ours } = versions;
  if (theirs === base) return { content: ours };
  if (ours === base || ours === theirs) return { content: theirs };
  return 'conflict';
}
