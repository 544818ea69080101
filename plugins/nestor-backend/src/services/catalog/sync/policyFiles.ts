import { SourceFileError } from '@nestor/plugin-nestor-common';
import { StoredPolicy } from '@nestor/plugin-nestor-node';
import { SourceSnapshot } from '../sources/types';

const TEAM = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The policies folder of a source (`<subPath>/policies`).
 * @internal
 */
export function policiesDir(subPath: string): string {
  const base = subPath.replace(/^\/+|\/+$/g, '');
  return base ? `${base}/policies` : 'policies';
}

/** True for a `.cedar` file in the policies folder, at any depth. @internal */
export function isPolicyPath(path: string, subPath: string): boolean {
  return path.startsWith(`${policiesDir(subPath)}/`) && path.endsWith('.cedar');
}

/**
 * Reads every Cedar file of a source's policies folder at a snapshot:
 * `policies/*.cedar` are global, `policies/<team>/*.cedar` belong to the
 * team. Files deeper down or in a folder that is not a team id are errors.
 * @internal
 */
export async function readPolicyFiles(
  snapshot: SourceSnapshot,
  subPath: string,
  maxFileBytes: number,
): Promise<{ policies: StoredPolicy[]; errors: SourceFileError[] }> {
  const dir = policiesDir(subPath);
  const paths = (await snapshot.listFiles(dir)).filter(p => p.endsWith('.cedar')).sort();
  const contents = await snapshot.readFiles(paths);
  const policies: StoredPolicy[] = [];
  const errors: SourceFileError[] = [];
  for (const path of paths) {
    const segments = path.slice(dir.length + 1).split('/');
    const content = contents.get(path);
    if (segments.length > 2 || (segments.length === 2 && !TEAM.test(segments[0]))) {
      errors.push({ path, message: 'policy files go in policies/ (global) or policies/<team id>/ (one team)' });
    } else if (!content) {
      errors.push({ path, message: 'file could not be read' });
    } else if (content.length > maxFileBytes) {
      errors.push({ path, message: `file is ${content.length} bytes, more than the limit of ${maxFileBytes}` });
    } else {
      policies.push({ scope: segments.length === 2 ? segments[0] : 'global', path, text: content.toString('utf8') });
    }
  }
  return { policies, errors };
}
