import { Deployment } from '@nestor/plugin-nestor-common';
import { DeploymentListQuery } from '../../store/types';
import { StoreGetter } from './types';

/** Every deployment a query lists, page by page; the refs in order. */
export async function listAllDeployments(
  getStore: StoreGetter,
  query: Omit<DeploymentListQuery, 'limit'>,
  limit = 100,
) {
  const seen: Deployment[] = [];
  let cursor: string | undefined;
  do {
    const page = await getStore().deployments.list({ ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return seen.map(d => d.ref);
}
