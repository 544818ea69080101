import { DeploymentRequest, DeploymentVerdict, formatDeploymentRef, ResourceDefinition, VerdictCheck } from '@nestor/plugin-nestor-common';
import { StoredTeam } from '@nestor/plugin-nestor-node';
import { PermissionAdmissionCheck } from '../../permissions/PermissionAdmissionCheck';
import { Caller } from '../caller/CallerResolver';
import { PolicyAdmissionCheck, policySubjectOf } from '../policies/PolicyAdmissionCheck';
import { QuotaAdmissionCheck } from './QuotaAdmissionCheck';

/**
 * A check that needs the resolved definition: the request's schema (its
 * parameters against the definition's JSON Schema, its environment) or its
 * dependencies. Supplied by the services that own those rules.
 * @public
 */
export type DefinitionCheck = (context: {
  caller: Caller;
  request: DeploymentRequest;
  ref: string;
  definition: ResourceDefinition;
  /** the ordering team as the caller has just read it (`team` undefined: it has no config); read by the check when absent */
  teamRead?: { team: StoredTeam | undefined };
}) => Promise<VerdictCheck>;

/**
 * The dry run of `POST /deploy` behind `POST /teams/{id}/validate`: every
 * admission check (schema, dependencies, permission, policies, quota) runs
 * and reports, nothing is persisted or reserved, and no event is emitted.
 * @public
 */
export class DeploymentVerdictService {
  readonly #resolve: (name: string, range: string) => Promise<ResourceDefinition | string>;
  readonly #schema: DefinitionCheck;
  readonly #dependencies?: DefinitionCheck;
  readonly #permission: PermissionAdmissionCheck;
  readonly #policy: PolicyAdmissionCheck;
  readonly #quota: QuotaAdmissionCheck;

  static create(options: {
    /** the definition a request's version range resolves to, or why there is none */
    resolve(name: string, range: string): Promise<ResourceDefinition | string>;
    schema: DefinitionCheck;
    dependencies?: DefinitionCheck;
    permission: PermissionAdmissionCheck;
    policy: PolicyAdmissionCheck;
    quota: QuotaAdmissionCheck;
  }) {
    return new DeploymentVerdictService(options);
  }

  private constructor(options: Parameters<typeof DeploymentVerdictService.create>[0]) {
    this.#resolve = options.resolve;
    this.#schema = options.schema;
    this.#dependencies = options.dependencies;
    this.#permission = options.permission;
    this.#policy = options.policy;
    this.#quota = options.quota;
  }

  async verdict(caller: Caller, request: DeploymentRequest): Promise<DeploymentVerdict> {
    const ref = formatDeploymentRef(request);
    const permission = this.#permission.check({ caller, action: 'deploy', resource: request });
    const definition = await this.#resolve(request.resource, request.version);
    if (typeof definition === 'string') {
      const schema: VerdictCheck = {
        check: 'schema',
        allowed: false,
        reasons: [{ code: 'UNKNOWN_RESOURCE', field: 'resource', message: definition }],
      };
      return this.#summarize([schema, await permission]);
    }
    const context = { caller, request, ref, definition };
    const checks = await Promise.all([
      this.#schema(context),
      this.#dependencies?.(context),
      permission,
      this.#policy.check({ caller, action: 'deploy', subject: policySubjectOf(request, definition, ref), dryRun: true }),
      this.#quota.check({
        dryRun: true,
        claim: {
          team: request.team,
          environment: request.environment,
          resourceType: definition.spec.type,
          monthlyCost: definition.spec.cost?.monthly ?? 0,
          ref,
        },
      }),
    ]);
    return this.#summarize(checks.filter((c): c is VerdictCheck => c !== undefined));
  }

  #summarize(checks: VerdictCheck[]): DeploymentVerdict {
    return { allowed: checks.every(c => c.allowed), checks: checks.map(({ check, allowed, reasons }) => ({ check, allowed, reasons })) };
  }
}
