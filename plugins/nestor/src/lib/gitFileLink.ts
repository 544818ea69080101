import type { ItemSource } from '@nestor/plugin-nestor-common';

/**
 * A browser link to a file at a commit for the Git hosts whose URL layout
 * is known (GitHub, GitLab, Gitea/Forgejo, Bitbucket), else the repository
 * URL when it is a web address, else undefined (a local folder).
 * @public
 */
export function gitFileLink(source: ItemSource): string | undefined {
  if (!/^https?:\/\//.test(source.url)) return undefined;
  const repo = source.url.replace(/\.git$/, '').replace(/\/+$/, '');
  const path = source.path.replace(/^\/+/, '');
  const line = source.line ? `#L${source.line}` : '';
  const host = new URL(repo).hostname;
  if (host === 'github.com' || host.startsWith('github.')) {
    return `${repo}/blob/${source.commit}/${path}${line}`;
  }
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    return `${repo}/-/blob/${source.commit}/${path}${line}`;
  }
  if (host === 'bitbucket.org') {
    return `${repo}/src/${source.commit}/${path}`;
  }
  if (host.startsWith('gitea.') || host.startsWith('codeberg.')) {
    return `${repo}/src/commit/${source.commit}/${path}`;
  }
  return repo;
}
