import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { nestorDeploymentResourceRef } from '../deploymentResourceRef';

/**
 * Deployments in one of the given environments; used under `not` to keep
 * people out of an environment, e.g. prod.
 * @public
 */
export const hasEnvironment = createPermissionRule({
  name: 'HAS_ENVIRONMENT',
  description: 'Allow deployments in one of the given environments',
  resourceRef: nestorDeploymentResourceRef,
  paramsSchema: z.object({
    environments: z.array(z.string()).describe('environment names such as "prod"'),
  }),
  apply: (resource, { environments }) => environments.includes(resource.environment),
  toQuery: ({ environments }) => ({ property: 'environment', values: environments }),
});
