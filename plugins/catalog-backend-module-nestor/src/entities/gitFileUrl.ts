import { ScmIntegrationRegistry } from '@backstage/integration';
import { ItemSource } from '@nestor/plugin-nestor-common';

/**
 * The web page of a source file at its commit, for the Git hosts whose
 * page URLs follow from the clone URL (GitHub, GitLab, Gitea, Bitbucket
 * Cloud). The host type comes from Backstage's `integrations` (github.com
 * and gitlab.com are known without configuration). Anything else, and
 * local-folder sources (`file:`), have no page: `undefined`.
 * @internal
 */
export function gitFileUrl(
  source: ItemSource,
  integrations: ScmIntegrationRegistry,
): string | undefined {
  let repo: URL;
  try {
    repo = new URL(source.url);
  } catch {
    return undefined;
  }
  if (repo.protocol !== 'https:' && repo.protocol !== 'http:') return undefined;
  const type = integrations.byUrl(repo)?.type;
  repo.username = '';
  repo.password = '';
  repo.search = '';
  repo.hash = '';
  const base = repo
    .toString()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const path = source.path.split('/').map(encodeURIComponent).join('/');
  const commit = encodeURIComponent(source.commit);
  const line = source.line;
  switch (type) {
    case 'github':
      return `${base}/blob/${commit}/${path}${line ? `#L${line}` : ''}`;
    case 'gitlab':
      return `${base}/-/blob/${commit}/${path}${line ? `#L${line}` : ''}`;
    case 'gitea':
      return `${base}/src/commit/${commit}/${path}${line ? `#L${line}` : ''}`;
    case 'bitbucketCloud':
      return `${base}/src/${commit}/${path}${line ? `#lines-${line}` : ''}`;
    default:
      return undefined;
  }
}
