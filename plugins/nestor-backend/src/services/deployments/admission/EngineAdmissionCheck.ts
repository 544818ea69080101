import { EngineRegistry } from '../../engines/EngineRegistry';
import { KubernetesClusters } from '../../kubernetes/KubernetesClusters';
import { AdmissionCheck, AdmissionContext, AdmissionReason, AdmissionRejection } from './types';

/**
 * The `engine` admission step (422): the item's engine is registered,
 * accepts the item, and can deliver the way the team delivers: GitOps needs
 * `spec.gitops` in the team's config, direct delivery a cluster for the
 * environment.
 * @public
 */
export class EngineAdmissionCheck implements AdmissionCheck {
  readonly name = 'engine';
  readonly #engines: EngineRegistry;
  readonly #clusters: KubernetesClusters;

  static create(options: { engines: EngineRegistry; clusters: KubernetesClusters }): EngineAdmissionCheck {
    return new EngineAdmissionCheck(options);
  }

  private constructor(options: { engines: EngineRegistry; clusters: KubernetesClusters }) {
    this.#engines = options.engines;
    this.#clusters = options.clusters;
  }

  async check(context: AdmissionContext): Promise<AdmissionRejection | undefined> {
    const { definition, team, request } = context;
    const name = definition.spec.engine;
    const engine = this.#engines.get(name);
    const reasons: AdmissionReason[] = [];
    if (!engine) {
      reasons.push({
        code: 'UNKNOWN_ENGINE',
        field: 'resource',
        message: `${definition.metadata.name} uses engine "${name}", which is not installed (installed: ${this.#engines.names().join(', ') || 'none'})`,
      });
      return { status: 422, reasons };
    }
    for (const issue of await engine.validate(definition)) {
      reasons.push({ code: 'INVALID_DEFINITION', field: 'resource', message: `${definition.metadata.name}@${definition.spec.version}: ${issue.field}: ${issue.message}` });
    }
    const delivery = team?.config.spec.delivery ?? 'gitops';
    if (!engine.capabilities.delivery.includes(delivery)) {
      reasons.push({ code: 'DELIVERY_NOT_SUPPORTED', field: 'team', message: `engine ${name} cannot deliver by ${delivery}, which team ${request.team} uses` });
    }
    if (delivery === 'gitops' && team && !team.config.spec.gitops) {
      reasons.push({ code: 'NO_GITOPS_TARGET', field: 'team', message: `team ${request.team} delivers by GitOps but its TeamConfig has no spec.gitops repository` });
    }
    if (delivery === 'direct' && !this.#clusters.forEnvironment(request.environment)) {
      reasons.push({
        code: 'NO_CLUSTER',
        field: 'environment',
        message: `team ${request.team} delivers directly but no cluster in nestor.kubernetes.clusters serves environment ${request.environment}`,
      });
    }
    return reasons.length > 0 ? { status: 422, reasons } : undefined;
  }
}
