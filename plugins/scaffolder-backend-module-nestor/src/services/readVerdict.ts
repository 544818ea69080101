import {
  DeploymentRequestInput,
  DeploymentVerdict,
  formatDeploymentRef,
  NestorClient,
} from '@nestor/plugin-nestor-common';
import { describeNestorError } from './describeNestorError';

/**
 * What `POST /deploy` would answer, without ordering: the team's dry-run
 * verdict (`POST /teams/{team}/validate`: schema, permission, policies,
 * quota), with the dependency check of `POST /validate-dependencies` added
 * when the verdict does not carry one itself.
 * @public
 */
export async function readVerdict(
  client: NestorClient,
  request: DeploymentRequestInput,
): Promise<DeploymentVerdict> {
  const ref = formatDeploymentRef(request);
  const [verdict, dependencies] = await Promise.all([
    client.validateForTeam(request.team, request),
    client.validateDependencies({ requests: [request] }),
  ]).catch(error => {
    throw describeNestorError(error, `check ${ref}`);
  });
  if (verdict.checks.some(c => c.check === 'dependencies')) return verdict;
  const checks = [
    ...verdict.checks,
    {
      check: 'dependencies' as const,
      allowed: dependencies.valid,
      reasons: dependencies.errors.map(e => ({
        code: e.code,
        field: 'dependsOn',
        message: e.message,
      })),
    },
  ];
  return { allowed: verdict.allowed && dependencies.valid, checks };
}
