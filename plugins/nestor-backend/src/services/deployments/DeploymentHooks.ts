import { Deployment } from '@nestor/plugin-nestor-common';

/**
 * What other services learn of deployment changes on this replica: the
 * dependency graph follows every change, quotas are given back when a
 * deployment no longer holds its ref (`Cancelled`, `Deleted`).
 * @public
 */
export interface DeploymentHooks {
  onChanged?(deployment: Deployment): void | Promise<void>;
  onRemoved?(deployment: Deployment): void | Promise<void>;
}
