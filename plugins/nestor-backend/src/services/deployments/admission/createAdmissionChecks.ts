import { TeamStore } from '@nestor/plugin-nestor-node';
import { PermissionAdmissionCheck } from '../../../permissions/PermissionAdmissionCheck';
import { DependencyService } from '../../dependencies/DependencyService';
import { EngineRegistry } from '../../engines/EngineRegistry';
import { KubernetesClusters } from '../../kubernetes/KubernetesClusters';
import { PolicyAdmissionCheck, policySubjectOf } from '../../policies/PolicyAdmissionCheck';
import { createSchemaCheck } from '../../teams/createSchemaCheck';
import { QuotaAdmissionCheck } from '../../teams/QuotaAdmissionCheck';
import { admissionCheckFromVerdict } from './admissionCheckFromVerdict';
import { EngineAdmissionCheck } from './EngineAdmissionCheck';
import { AdmissionCheck } from './types';

/**
 * The admission checks of `POST /deploy`, in order (see
 * {@link AdmissionCheck}): schema and engine always; permission, policy,
 * dependencies and quota when their services are given. The schema step is
 * the same one the dry-run verdict (`POST /teams/{id}/validate`) uses, so
 * both give the same reasons.
 * @public
 */
export function createAdmissionChecks(options: {
  teams: Pick<TeamStore, 'getTeam'>;
  engines: EngineRegistry;
  clusters: KubernetesClusters;
  permission?: PermissionAdmissionCheck;
  policy?: PolicyAdmissionCheck;
  dependencies?: Pick<DependencyService, 'validate'>;
  quota?: QuotaAdmissionCheck;
}): AdmissionCheck[] {
  const schema = createSchemaCheck({ teams: options.teams });
  const checks: AdmissionCheck[] = [
    // the team as the deployment service read it for this request: not read again
    admissionCheckFromVerdict('schema', 400, context => schema({ ...context, teamRead: { team: context.team } })),
    EngineAdmissionCheck.create({ engines: options.engines, clusters: options.clusters }),
  ];
  const { permission, policy, dependencies, quota } = options;
  if (permission) {
    checks.push(
      admissionCheckFromVerdict('permission', 403, ({ caller, request, existing }) =>
        permission.check({ caller, action: existing ? 'update' : 'deploy', resource: request }),
      ),
    );
  }
  if (policy) {
    checks.push(
      admissionCheckFromVerdict('policy', 403, ({ caller, request, definition, ref, dryRun, existing }) =>
        policy.check({ caller, action: existing ? 'update' : 'deploy', subject: policySubjectOf(request, definition, ref), dryRun }),
      ),
    );
  }
  if (dependencies) {
    checks.push(
      admissionCheckFromVerdict('dependencies', 422, async ({ caller, request }) => {
        const result = await dependencies.validate([request], { callerTeams: caller.teams });
        return {
          check: 'dependencies',
          allowed: result.valid,
          reasons: result.errors.map(e => ({ code: e.code, field: 'dependsOn', message: e.message })),
        };
      }),
    );
  }
  if (quota) {
    checks.push(
      // an update keeps the quota share its deployment already holds
      admissionCheckFromVerdict('quota', 422, async ({ request, definition, ref, dryRun, existing, team }) =>
        existing ? undefined : quota.check({
          dryRun,
          teamRead: { team },
          claim: {
            team: request.team,
            environment: request.environment,
            resourceType: definition.spec.type,
            monthlyCost: definition.spec.cost?.monthly ?? 0,
            ref,
          },
        }),
      ),
    );
  }
  return checks;
}
