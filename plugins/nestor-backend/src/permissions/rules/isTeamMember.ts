import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { nestorDeploymentResourceRef } from '../deploymentResourceRef';

/**
 * Deployments owned by one of the given teams. A permission policy passes the
 * user's teams (the names of their ownership groups).
 * @public
 */
export const isTeamMember = createPermissionRule({
  name: 'IS_TEAM_MEMBER',
  description: 'Allow deployments owned by one of the given teams (team ids are Backstage Group names)',
  resourceRef: nestorDeploymentResourceRef,
  paramsSchema: z.object({
    teams: z.array(z.string()).describe('team ids; a policy usually passes the names of the user\'s ownership groups'),
  }),
  apply: (resource, { teams }) => teams.includes(resource.team),
  toQuery: ({ teams }) => ({ property: 'team', values: teams }),
});
