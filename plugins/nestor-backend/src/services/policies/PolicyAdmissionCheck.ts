import { Deployment, ResourceDefinition, VerdictCheck } from '@nestor/plugin-nestor-common';
import { Caller } from '../caller/CallerResolver';
import { NestorEventPublisher } from '../events/types';
import { CedarPolicyEngine } from './CedarPolicyEngine';
import { PolicyAction, PolicyRequest, PolicyVerdict } from './types';

/**
 * The deployment a policy question is about: a new one (from the request and
 * the resolved definition) or an existing one.
 * @public
 */
export type PolicySubject = Pick<Deployment, 'ref' | 'name' | 'team' | 'environment' | 'engine' | 'monthlyCost' | 'parameters'> & {
  resource: Pick<Deployment['resource'], 'name' | 'version' | 'type'>;
};

/** A subject from a request and the definition it resolved to. @public */
export function policySubjectOf(
  request: { team: string; environment: string; name: string; parameters: Record<string, unknown> },
  definition: ResourceDefinition,
  ref: string,
): PolicySubject {
  return {
    ref,
    name: request.name,
    team: request.team,
    environment: request.environment,
    engine: definition.spec.engine,
    monthlyCost: definition.spec.cost?.monthly ?? 0,
    parameters: request.parameters as Deployment['parameters'],
    resource: { name: definition.metadata.name, version: definition.spec.version, type: definition.spec.type },
  };
}

/**
 * Runs the Cedar policies on a deploy, update, destroy or rollback. A refusal
 * (403) names every determining policy id with its `@message`; outside dry
 * runs it also emits `policy.violation`.
 * @public
 */
export class PolicyAdmissionCheck {
  readonly #engine: CedarPolicyEngine;
  readonly #events: NestorEventPublisher;
  readonly #allTeams: () => Promise<string[]>;

  static create(options: { engine: CedarPolicyEngine; events: NestorEventPublisher; allTeams: () => Promise<string[]> }) {
    return new PolicyAdmissionCheck(options);
  }

  private constructor(options: { engine: CedarPolicyEngine; events: NestorEventPublisher; allTeams: () => Promise<string[]> }) {
    this.#engine = options.engine;
    this.#events = options.events;
    this.#allTeams = options.allTeams;
  }

  async check(options: { caller: Caller; action: PolicyAction; subject: PolicySubject; dryRun?: boolean }): Promise<VerdictCheck> {
    const { caller, action, subject } = options;
    const request: PolicyRequest = {
      action,
      principal: {
        id: caller.kind === 'service' ? `service:${caller.principal}` : caller.principal,
        isService: caller.kind === 'service',
        teams: caller.teams === '*' ? await this.#allTeams() : caller.teams,
      },
      deployment: {
        ref: subject.ref,
        name: subject.name,
        team: subject.team,
        environment: subject.environment,
        resourceName: subject.resource.name,
        resourceVersion: subject.resource.version,
        resourceType: subject.resource.type,
        engine: subject.engine,
        monthlyCost: subject.monthlyCost,
        parameters: subject.parameters,
      },
    };
    const verdict = await this.#engine.evaluate(request);
    if (!verdict.allowed && !options.dryRun) await this.#announce(request, verdict);
    return {
      check: 'policy',
      allowed: verdict.allowed,
      reasons: verdict.determining.map(d => ({ code: 'POLICY_FORBIDS', policyId: d.id, message: `${d.id}: ${d.message}` })),
    };
  }

  async #announce(request: PolicyRequest, verdict: PolicyVerdict): Promise<void> {
    await this.#events.publish([
      {
        type: 'policy.violation',
        team: request.deployment.team,
        ref: request.deployment.ref,
        payload: {
          action: request.action,
          principal: request.principal.id,
          environment: request.deployment.environment,
          resource: request.deployment.resourceName,
          policies: verdict.determining,
        },
      },
    ]);
  }
}
