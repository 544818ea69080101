import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Deployment, DeploymentRequest, ResourceDefinition, Revision, formatDeploymentRef } from '@nestor/plugin-nestor-common';
import { INACTIVE_DEPLOYMENT_PHASES, NestorStore } from '@nestor/plugin-nestor-node';
import { Caller } from '../caller/CallerResolver';
import { NestorEventPublisher } from '../events/types';
import { AdmissionError } from './admission/AdmissionError';
import { AdmissionPipeline } from './admission/AdmissionPipeline';
import { AdmissionContext } from './admission/types';
import { deploymentEvents } from './deploymentEvents';
import { hashDeploymentRequest } from './hashDeploymentRequest';
import { ParameterDefaults } from './ParameterDefaults';
import { transitionDeployment } from './DeploymentPhaseMachine';
import { DeploymentHooks } from './DeploymentHooks';
import { rollbackReason } from './rollbackRevision';
import { deploymentLogFields } from './deploymentLogFields';

/** Options of {@link DeploymentService.create}. @public */
export interface DeploymentServiceOptions {
  store: Pick<NestorStore, 'deployments' | 'teams'>;
  events: NestorEventPublisher;
  admission: AdmissionPipeline;
  /** the definition a version range resolves to, or why there is none */
  resolveDefinition(name: string, range: string): Promise<ResourceDefinition | string>;
  logger: LoggerService;
  hooks?: DeploymentHooks;
  /** may the caller destroy or roll back this deployment? throws when not */
  authorizeChange?(caller: Caller, action: 'destroy' | 'rollback', deployment: Deployment): Promise<void>;
  /** throws when others still depend on the deployment (unless forced) */
  assertCanTearDown?(deployment: Deployment, options: { force: boolean; caller: Caller }): Promise<void>;
  /** called with a deployment just written that the coordinator should work on (this replica's, at once if it can) */
  onWork?(deployment: Deployment): void;
}

/**
 * Deployments as the API sees them: submit (admission, persistence with
 * idempotency, `deployment.created`), cancel or tear down, and roll back to
 * an earlier revision. The coordinator does the rest.
 * @public
 */
export class DeploymentService {
  readonly #options: DeploymentServiceOptions;
  readonly #defaults = ParameterDefaults.create();

  static create(options: DeploymentServiceOptions): DeploymentService {
    return new DeploymentService(options);
  }

  private constructor(options: DeploymentServiceOptions) {
    this.#options = options;
  }

  /**
   * Admits and persists a deployment in `Pending`. With an idempotency key,
   * the same key and request return the deployment the first call created
   * (`created: false`); the same key with another request is a ConflictError.
   * A request for the ref of a Ready, Failed or RolledBack deployment updates
   * it: a new revision, delivered again (`created: false`); one in progress
   * is a ConflictError. `requestId` (the API request's `x-request-id`) is
   * kept on the new revision, so the coordinator's logs about it carry it.
   */
  async submit(options: {
    caller: Caller;
    request: DeploymentRequest;
    idempotencyKey?: string;
    requestId?: string;
  }): Promise<{ deployment: Deployment; created: boolean; replayed: boolean }> {
    const { caller, request, idempotencyKey, requestId } = options;
    const ref = formatDeploymentRef(request);
    const definition = await this.#options.resolveDefinition(request.resource, request.version);
    if (typeof definition === 'string') {
      const unknown = definition.startsWith('no buffet item');
      let status: 400 | 404 | 422 = unknown ? 404 : 422;
      if (definition.includes('not a valid semver range')) status = 400;
      throw new AdmissionError('resource', {
        status,
        reasons: [{ code: unknown ? 'UNKNOWN_RESOURCE' : 'NO_MATCHING_VERSION', field: unknown ? 'resource' : 'version', message: definition }],
      });
    }
    const team = await this.#options.store.teams.getTeam(request.team);
    const current = await this.#options.store.deployments.getByRef(ref);
    const active = current && !INACTIVE_DEPLOYMENT_PHASES.includes(current.phase) ? current : undefined;
    // the replay of the request that created it goes through create (idempotency)
    const existing = active && !(idempotencyKey && active.idempotencyKey === idempotencyKey) ? active : undefined;
    if (existing && !['Ready', 'Failed', 'RolledBack'].includes(existing.phase)) {
      throw new ConflictError(`Deployment ${ref} is ${existing.phase}; wait until it is Ready or Failed, or cancel it, before changing it`);
    }
    const context: AdmissionContext = { caller, request, ref, definition, team, dryRun: false, existing };
    const release = await this.#options.admission.admit(context);
    if (existing) {
      try {
        return { deployment: await this.#update(existing, caller, request, definition, requestId), created: false, replayed: false };
      } finally {
        await release();
      }
    }

    const now = new Date().toISOString();
    const parameters = this.#defaults.apply(definition, request.parameters);
    const revision: Revision = {
      revision: 1,
      definitionVersion: definition.spec.version,
      parameters,
      artifacts: [],
      createdAt: now,
      requestedBy: caller.principal,
      reason: 'Submitted',
      ...(requestId ? { requestId } : {}),
    };
    let result;
    try {
      result = await this.#options.store.deployments.create(
        {
          id: randomUUID(),
          ref,
          team: request.team,
          environment: request.environment,
          name: request.name,
          resource: { name: definition.metadata.name, version: definition.spec.version, type: definition.spec.type, requestedVersion: request.version },
          engine: definition.spec.engine,
          delivery: team?.config.spec.delivery ?? 'gitops',
          parameters,
          dependsOn: request.dependsOn,
          phase: 'Pending',
          conditions: [],
          history: [{ phase: 'Pending', at: now, reason: 'Submitted', message: `requested by ${caller.principal}` }],
          revisions: [revision],
          currentRevision: 1,
          outputs: {},
          monthlyCost: definition.spec.cost?.monthly ?? 0,
          attempts: 0,
          requestedBy: caller.principal,
          createdAt: now,
          updatedAt: now,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        },
        idempotencyKey ? { idempotencyKey, requestHash: hashDeploymentRequest(caller.principal, request) } : undefined,
      );
    } catch (error) {
      await release();
      throw error;
    }
    if (!result.created) {
      // an earlier request with this key created it, and holds its own reservations
      await release();
      return { ...result, replayed: true };
    }
    this.#log(result.deployment).info(`Deployment ${ref} submitted by ${caller.principal}`);
    await this.#publish(deploymentEvents.created(result.deployment));
    await this.#options.hooks?.onChanged?.(result.deployment);
    this.#options.onWork?.(result.deployment);
    return { ...result, replayed: false };
  }

  /** A new revision of a deployment (same ref): new parameters or definition version, delivered again. */
  async #update(existing: Deployment, caller: Caller, request: DeploymentRequest, definition: ResourceDefinition, requestId?: string): Promise<Deployment> {
    const parameters = this.#defaults.apply(definition, request.parameters);
    const number = Math.max(...existing.revisions.map(r => r.revision)) + 1;
    const next = transitionDeployment(
      {
        ...existing,
        revisions: [
          ...existing.revisions,
          {
            revision: number,
            definitionVersion: definition.spec.version,
            parameters,
            artifacts: [],
            createdAt: new Date().toISOString(),
            requestedBy: caller.principal,
            reason: 'Updated',
            ...(requestId ? { requestId } : {}),
          },
        ],
        currentRevision: number,
        parameters,
        dependsOn: request.dependsOn,
        resource: { name: definition.metadata.name, version: definition.spec.version, type: definition.spec.type, requestedVersion: request.version },
        monthlyCost: definition.spec.cost?.monthly ?? 0,
        outputs: {},
        conditions: [],
      },
      'Pending',
      { reason: 'UpdateRequested', message: `revision ${number} by ${caller.principal}` },
    );
    const written = await this.#write(next, existing.version);
    if (!written) throw new ConflictError(`Deployment ${existing.ref} changed while it was being updated; try again`);
    this.#log(written).info(`Deployment ${written.ref} updated to revision ${number} by ${caller.principal}`);
    await this.#publish(deploymentEvents.phase(existing.phase, written));
    await this.#options.hooks?.onChanged?.(written);
    this.#options.onWork?.(written);
    return written;
  }

  /** Reads a deployment; NotFoundError when there is none. */
  async get(id: string): Promise<Deployment> {
    const deployment = await this.#options.store.deployments.get(id);
    if (!deployment) throw new NotFoundError(`No deployment with id ${id}`);
    return deployment;
  }

  /**
   * Cancels a deployment in progress or tears a finished one down. Before
   * anything is delivered it ends at once (`Cancelled`, or `Deleted` for a
   * failure that delivered nothing); otherwise it goes to `Deleting` and the
   * coordinator removes what was delivered.
   */
  async remove(options: { caller: Caller; id: string; force?: boolean; requestId?: string }): Promise<Deployment> {
    const { caller } = options;
    for (;;) {
      const deployment = await this.get(options.id);
      await this.#options.authorizeChange?.(caller, 'destroy', deployment);
      if (deployment.phase === 'Deleting' || deployment.phase === 'Deleted' || deployment.phase === 'Cancelled') return deployment;
      await this.#options.assertCanTearDown?.(deployment, { force: Boolean(options.force), caller });
      const delivered = deployment.revisions.some(r => r.delivery) || !['Pending', 'Validating', 'Failed'].includes(deployment.phase);
      const inProgress = !['Ready', 'Failed', 'RolledBack'].includes(deployment.phase);
      let next: Deployment;
      if (!delivered) {
        next = transitionDeployment(deployment, inProgress ? 'Cancelled' : 'Deleted', {
          reason: inProgress ? 'CancelRequested' : 'TeardownRequested',
          message: `by ${caller.principal}; nothing had been delivered`,
        });
      } else {
        next = transitionDeployment(deployment, 'Deleting', {
          reason: inProgress ? 'CancelRequested' : 'TeardownRequested',
          message: `by ${caller.principal}`,
        });
      }
      const written = await this.#write(next, deployment.version);
      if (!written) continue;
      this.#log(written, options.requestId).info(`Deployment ${written.ref} ${written.phase === 'Deleting' ? 'is being torn down' : written.phase.toLowerCase()} at the request of ${caller.principal}`);
      await this.#publish(deploymentEvents.phase(deployment.phase, written));
      await this.#options.hooks?.onChanged?.(written);
      if (written.phase === 'Cancelled' || written.phase === 'Deleted') await this.#options.hooks?.onRemoved?.(written);
      else this.#options.onWork?.(written);
      return written;
    }
  }

  /**
   * Redeploys an earlier revision (the previous one by default): a new
   * revision with its definition version, parameters and rendered artifacts,
   * which the coordinator delivers again and ends in `RolledBack`.
   */
  async rollback(options: { caller: Caller; id: string; toRevision?: number; requestId?: string }): Promise<Deployment> {
    const { caller } = options;
    for (;;) {
      const deployment = await this.get(options.id);
      await this.#options.authorizeChange?.(caller, 'rollback', deployment);
      if (!['Ready', 'Failed', 'RolledBack'].includes(deployment.phase)) {
        throw new ConflictError(`Deployment ${deployment.ref} is ${deployment.phase}; only a Ready, Failed or RolledBack deployment can be rolled back`);
      }
      const targetNumber = options.toRevision ?? previousRevision(deployment);
      if (targetNumber === undefined) throw new ConflictError(`Deployment ${deployment.ref} has no earlier revision to roll back to`);
      if (targetNumber === deployment.currentRevision) {
        throw new InputError(`toRevision: revision ${targetNumber} is the current revision of ${deployment.ref}`);
      }
      const target = deployment.revisions.find(r => r.revision === targetNumber);
      if (!target) {
        throw new InputError(`toRevision: ${deployment.ref} has no revision ${targetNumber} (revisions: ${deployment.revisions.map(r => r.revision).join(', ')})`);
      }
      if (target.artifacts.length === 0) {
        throw new InputError(`toRevision: revision ${targetNumber} of ${deployment.ref} was never rendered, so there is nothing to redeploy`);
      }
      const number = Math.max(...deployment.revisions.map(r => r.revision)) + 1;
      const revision: Revision = {
        revision: number,
        definitionVersion: target.definitionVersion,
        parameters: target.parameters,
        artifacts: target.artifacts,
        createdAt: new Date().toISOString(),
        requestedBy: caller.principal,
        reason: rollbackReason(targetNumber),
        ...(options.requestId ? { requestId: options.requestId } : {}),
      };
      const next = transitionDeployment(
        {
          ...deployment,
          revisions: [...deployment.revisions, revision],
          currentRevision: number,
          parameters: target.parameters,
          resource: { ...deployment.resource, version: target.definitionVersion },
          outputs: {},
          conditions: [],
        },
        'Pending',
        { reason: 'RollbackRequested', message: `to revision ${targetNumber} by ${caller.principal}` },
      );
      const written = await this.#write(next, deployment.version);
      if (!written) continue;
      this.#log(written).info(`Deployment ${written.ref} rolling back to revision ${targetNumber} (as revision ${number}) at the request of ${caller.principal}`);
      await this.#publish(deploymentEvents.phase(deployment.phase, written));
      await this.#options.hooks?.onChanged?.(written);
      this.#options.onWork?.(written);
      return written;
    }
  }

  /** A logger for lines about a deployment (a request's own id wins over its revision's). */
  #log(deployment: Deployment, requestId?: string): LoggerService {
    return this.#options.logger.child({ ...deploymentLogFields(deployment), ...(requestId ? { requestId } : {}) });
  }

  /** Writes, or undefined when the deployment changed meanwhile (the caller retries). */
  async #write(next: Deployment, expectedVersion: number): Promise<Deployment | undefined> {
    try {
      return await this.#options.store.deployments.update(next, expectedVersion);
    } catch (error) {
      if (error instanceof ConflictError || (error as Error).name === 'ConflictError') {
        const current = await this.#options.store.deployments.get(next.id);
        if (current && current.version !== expectedVersion) return undefined;
      }
      throw error;
    }
  }

  async #publish(events: Parameters<NestorEventPublisher['publish']>[0]) {
    try {
      await this.#options.events.publish(events);
    } catch (error) {
      this.#options.logger.error(`Could not publish ${events.map(e => e.type).join(', ')}: ${error}`);
    }
  }
}

/** The latest rendered revision before the current one. */
function previousRevision(deployment: Deployment): number | undefined {
  const candidates = deployment.revisions.filter(r => r.revision < deployment.currentRevision && r.artifacts.length > 0).map(r => r.revision);
  return candidates.length > 0 ? Math.max(...candidates) : undefined;
}
