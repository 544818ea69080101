import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@backstage/plugin-permission-node';
import { NestorDeploymentFilter } from './deploymentResourceRef';

/**
 * The teams and environments a criteria tree can match at most; `undefined`
 * means any. It is what a store query can be narrowed to before the exact
 * criteria are applied to each loaded deployment.
 * @public
 */
export interface DeploymentQueryScope {
  teams?: string[];
  environments?: string[];
}

type Bound = string[] | undefined;

function intersect(a: Bound, b: Bound): Bound {
  if (!a) return b;
  if (!b) return a;
  return a.filter(v => b.includes(v));
}

function union(bounds: Bound[]): Bound {
  if (bounds.some(b => b === undefined)) return undefined;
  return [...new Set(bounds.flatMap(b => b!))];
}

function isFilter(value: unknown): value is NestorDeploymentFilter {
  const v = value as NestorDeploymentFilter;
  return (v?.property === 'team' || v?.property === 'environment') && Array.isArray(v.values);
}

/**
 * Narrows a conditional decision's criteria (as translated by the deployment
 * rules' `toQuery`) to a superset the store can filter on: `allOf`
 * intersects, `anyOf` unites, `not` and unknown filters (rules added by other
 * modules) leave a dimension open.
 * @public
 */
export function deploymentQueryScope(criteria: PermissionCriteria<unknown>): DeploymentQueryScope {
  if (isAndCriteria(criteria)) {
    return criteria.allOf.map(deploymentQueryScope).reduce<DeploymentQueryScope>(
      (acc, s) => ({ teams: intersect(acc.teams, s.teams), environments: intersect(acc.environments, s.environments) }),
      {},
    );
  }
  if (isOrCriteria(criteria)) {
    const scopes = criteria.anyOf.map(deploymentQueryScope);
    return { teams: union(scopes.map(s => s.teams)), environments: union(scopes.map(s => s.environments)) };
  }
  if (isNotCriteria(criteria) || !isFilter(criteria)) return {};
  return criteria.property === 'team' ? { teams: [...criteria.values] } : { environments: [...criteria.values] };
}
