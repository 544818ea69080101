import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CatalogItem,
  DEPLOYMENT_PHASES,
  DependenciesResponse,
  DependencyError,
  DependencyGraphResponse,
  DeploymentRequest,
  NewNestorEvent,
  ResourceDefinition,
  TeamConfig,
  ValidateDependenciesResponse,
  formatDeploymentRef,
} from '@nestor/plugin-nestor-common';
import { CatalogStore, DeploymentStore, INACTIVE_DEPLOYMENT_PHASES, TeamStore } from '@nestor/plugin-nestor-node';
import { ChangeInspector } from './ChangeInspector';
import { buildGraphResponse, DependencyGraphNodeView } from './buildGraphResponse';
import { buildImpactResponse, ImpactView } from './buildImpactResponse';
import { DefinitionCatalog } from './DefinitionCatalog';
import { DependencyGraph } from './DependencyGraph';
import { DefinitionFacts, DependencyRules } from './DependencyRules';
import { describeEdges } from './describeEdges';
import { describeViolation } from './describeViolation';
import { extractSubgraph } from './extractSubgraph';
import { ResolvedRequest } from './RequestOverlay';
import { reverseCsr } from './reverseCsr';
import { selectGraph } from './selectGraph';
import { TeamVisibility } from './TeamVisibility';
import { topologicalWaves } from './topologicalWaves';
import { DependencyGraphRecord, NodeFacts, Violation, VisibleTeams } from './types';
import { validateGraph } from './validateGraph';
import { validateRequests } from './validateRequests';

const READY = DEPLOYMENT_PHASES.indexOf('Ready');
const DELETING = DEPLOYMENT_PHASES.indexOf('Deleting');

/** The parts of the store the dependency service reads. @public */
export interface DependencyStore {
  deployments: Pick<DeploymentStore, 'listGraphRecords'>;
  catalog: Pick<CatalogStore, 'getItems' | 'listVersions'>;
  teams: Pick<TeamStore, 'listTeams'>;
}

/** Options of {@link DependencyService.create}. @public */
export interface DependencyServiceOptions {
  store: DependencyStore;
  logger: LoggerService;
  /** receives `dependency.violation` events (the events service appends and publishes them) */
  emit?: (event: NewNestorEvent) => void | Promise<void>;
  /** environments a deployment may depend on besides its own, e.g. `{ dev: ['shared'] }` */
  environmentLinks?: Record<string, readonly string[]>;
}

/** A request as validation reads it (defaults as in `deploymentRequestSchema`). @public */
export type DependencyRequest = Pick<DeploymentRequest, 'team' | 'environment' | 'name' | 'resource'> &
  Partial<Pick<DeploymentRequest, 'version' | 'dependsOn'>>;

/** The deployment order of a set of refs. @public */
export interface DeploymentOrder {
  /** refs that can be deployed in parallel, wave after wave */
  waves: string[][];
  /** refs on, or behind, a cycle: they can never be ordered */
  unordered: string[];
}

/**
 * The cross-team dependency graph: loaded from the store once, kept current
 * by the coordinator's calls (`onDeploymentChanged`, `onDeploymentRemoved`,
 * `onDefinitionsChanged`, `onTeamsChanged`), and queried for validation,
 * deployment order, impact and visibility-filtered views. Changes that
 * break a dependency are returned and emitted as `dependency.violation`.
 *
 * The graph is held per replica; a replica learns of another's changes
 * through the same calls (driven by events), or by {@link DependencyService.reload}.
 * @public
 */
export class DependencyService {
  readonly #store: DependencyStore;
  readonly #logger: LoggerService;
  readonly #emit?: (event: NewNestorEvent) => void | Promise<void>;
  readonly #environmentLinks?: Record<string, readonly string[]>;
  #graph = DependencyGraph.fromRecords([]);
  #rules = new DependencyRules(this.#graph);
  #inspector = new ChangeInspector(this.#graph, this.#rules);
  #visibility = new TeamVisibility(this.#graph.teams, this.#rules);
  #definitions: DefinitionCatalog;
  /** while a reload reads the store: changes to apply again to the graph it builds */
  #replays?: Array<() => void>;

  static async create(options: DependencyServiceOptions): Promise<DependencyService> {
    const service = new DependencyService(options);
    await service.reload();
    return service;
  }

  private constructor(options: DependencyServiceOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#emit = options.emit;
    this.#environmentLinks = options.environmentLinks;
    this.#definitions = new DefinitionCatalog(options.store.catalog);
  }

  /**
   * Rebuilds everything from the store. Changes reported while it reads are
   * applied to the old graph and again to the new one.
   */
  async reload(): Promise<void> {
    const started = Date.now();
    const replays: Array<() => void> = [];
    this.#replays = replays;
    try {
      const [records, teams] = await Promise.all([
        this.#store.deployments.listGraphRecords(),
        this.#store.teams.listTeams(),
      ]);
      const graph = DependencyGraph.fromRecords(records);
      const rules = new DependencyRules(graph, { environmentLinks: this.#environmentLinks });
      for (const team of teams) rules.setGrants(team.id, team.config.spec.grants);
      const definitions = new DefinitionCatalog(this.#store.catalog);
      const names = Array.from({ length: graph.definitions.size }, (_, id) => graph.definitions.value(id));
      for (const definition of await definitions.load(names)) {
        rules.setDefinition(definition);
      }
      this.#graph = graph;
      this.#rules = rules;
      this.#definitions = definitions;
      this.#inspector = new ChangeInspector(graph, rules);
      this.#visibility = new TeamVisibility(graph.teams, rules);
    } finally {
      this.#replays = undefined;
    }
    for (const replay of replays) replay();
    this.#logger.info(
      `Dependency graph loaded: ${this.#graph.deploymentCount} deployments, ${this.#graph.edgeCount} edges in ${Date.now() - started} ms`,
    );
  }

  /** Deployment and edge counts. */
  get stats(): { deployments: number; edges: number } {
    return { deployments: this.#graph.deploymentCount, edges: this.#graph.edgeCount };
  }

  /** A deployment was created or changed (any phase; an inactive one, `Deleted` or `Cancelled`, is removed). */
  onDeploymentChanged(record: DependencyGraphRecord): DependencyError[] {
    this.#replays?.push(() => this.onDeploymentChanged(record));
    const graph = this.#graph;
    if (INACTIVE_DEPLOYMENT_PHASES.includes(record.phase)) return this.#removeDeployment(record.ref);
    const before = this.#inspector.snapshot(graph.indexOf(record.ref));
    graph.upsert(record);
    const violations = this.#inspector.deploymentChanged(graph.indexOf(record.ref), before);
    return this.#publish(violations, 'deployment.changed');
  }

  /** A deployment is gone. Its dependents are reported as missing their target. */
  onDeploymentRemoved(ref: string): DependencyError[] {
    this.#replays?.push(() => this.onDeploymentRemoved(ref));
    return this.#removeDeployment(ref);
  }

  #removeDeployment(ref: string): DependencyError[] {
    const v = this.#graph.indexOf(ref);
    if (v < 0 || !this.#graph.exists(v)) return [];
    const violations = this.#inspector.deploymentRemoving(v);
    this.#graph.remove(ref);
    return this.#publish(violations, 'deployment.removed');
  }

  /** Definitions were created or updated in the catalog. */
  onDefinitionsChanged(items: ReadonlyArray<CatalogItem | ResourceDefinition>): DependencyError[] {
    this.#replays?.push(() => this.onDefinitionsChanged(items));
    const before = new Map<number, DefinitionFacts | undefined>();
    for (const item of items) {
      const definition = 'definition' in item ? item.definition : item;
      const id = this.#graph.definitions.id(definition.metadata.name);
      if (!before.has(id)) before.set(id, this.#rules.definition(id));
      this.#rules.setDefinition(definition, id);
      this.#definitions.set(definition);
    }
    return this.#publish(this.#inspector.definitionsChanged(before), 'definition.changed');
  }

  /** Definitions were removed from the catalog. */
  onDefinitionsRemoved(names: readonly string[]): void {
    this.#replays?.push(() => this.onDefinitionsRemoved(names));
    for (const name of names) {
      this.#rules.removeDefinition(name);
      this.#definitions.remove(name);
    }
  }

  /** Team configs changed; withdrawn grants are reported for every edge that relied on them. */
  onTeamsChanged(teams: ReadonlyArray<{ id: string; config: TeamConfig }>): DependencyError[] {
    return this.#changeGrants(teams.map(t => [t.id, t.config.spec.grants]));
  }

  /** Teams were removed: nothing depends on their deployments with their leave any more. */
  onTeamsRemoved(ids: readonly string[]): DependencyError[] {
    return this.#changeGrants(ids.map(id => [id, undefined]));
  }

  /** The caller's teams and the teams that grant one of them; `'*'` stays `'*'`. */
  visibleTeamsFor(callerTeams: VisibleTeams): string[] | '*' {
    return this.#visibility.visibleTeamsFor(callerTeams);
  }


  /**
   * Validates requests together with what is deployed: every error at once,
   * and the order the requests (and the deployments they wait for) can go in.
   * Throws InputError for unknown items, unsatisfiable versions and repeated refs.
   */
  async validate(
    requests: readonly DependencyRequest[],
    options: { callerTeams: VisibleTeams },
  ): Promise<ValidateDependenciesResponse> {
    const loaded = await this.#definitions.load(requests.map(r => r.resource));
    for (const definition of loaded) this.#rules.setDefinition(definition);
    const problems: string[] = [];
    const resolved: ResolvedRequest[] = [];
    const seen = new Map<string, number>();
    for (const [i, request] of requests.entries()) {
      const ref = formatDeploymentRef(request);
      if (seen.has(ref)) problems.push(`requests[${i}]: ${ref} is already requested by requests[${seen.get(ref)}]`);
      seen.set(ref, i);
      const definition = await this.#definitions.resolve(request.resource, request.version ?? '*');
      if (typeof definition === 'string') {
        problems.push(`requests[${i}].${definition.startsWith('no buffet') ? 'resource' : 'version'}: ${definition}`);
        continue;
      }
      resolved.push({ ...request, ref, dependsOn: request.dependsOn ?? [], definition });
    }
    if (problems.length > 0) throw new InputError(`Invalid requests: ${problems.join('; ')}`);

    const { overlay, violations, order } = validateRequests(this.#graph, this.#rules, resolved);
    const canSee = this.#canSee(overlay, this.visibleTeamsFor(options.callerTeams));
    // the refs the caller wrote are shown as written, whoever owns them
    const named = new Set(resolved.flatMap(r => [r.ref, ...r.dependsOn]));
    const canName = (v: number) => canSee(v) || named.has(overlay.ref(v));
    const errors = this.#describe(violations, overlay, canSee, canName);
    return {
      valid: errors.length === 0,
      errors,
      order: order.map(wave => wave.map(v => (canName(v) ? overlay.ref(v) : `${this.#graph.teams.value(overlay.team(v))}/*`))),
    };
  }

  /** Checks the whole graph as it stands (every edge, every requirement, every cycle). */
  validateAll(): DependencyError[] {
    return this.#describe(validateGraph(this.#graph, this.#rules), this.#graph, () => true);
  }

  /**
   * Deployment waves. Without refs: every deployment. With refs: those refs
   * and the deployments they need, directly or not, that are not `Ready`.
   */
  order(refs?: readonly string[]): DeploymentOrder {
    const graph = this.#graph;
    if (!refs) {
      const include = new Uint8Array(graph.size);
      for (const v of graph.deploymentIds()) include[v] = 1;
      const { waves, unordered } = topologicalWaves(graph.csr(), graph.reverseCsr(), include);
      return { waves: waves.map(w => w.map(v => graph.ref(v))), unordered: unordered.map(v => graph.ref(v)) };
    }
    const seeds = new Set(refs.map(ref => this.#node(ref)));
    const sub = extractSubgraph(seeds, v => graph.outOf(v), v => graph.exists(v));
    // order everything reached, so that what sits on a cycle stays unordered; then drop what is Ready
    const { waves, unordered } = topologicalWaves(sub.csr, reverseCsr(sub.csr));
    const wanted = (v: number) => seeds.has(v) || graph.phase(v) !== READY;
    return {
      waves: waves
        .map(w => w.map(l => sub.nodes[l]).filter(wanted).map(v => graph.ref(v)))
        .filter(w => w.length > 0),
      unordered: unordered.map(l => sub.nodes[l]).filter(wanted).map(v => graph.ref(v)),
    };
  }

  /** Every deployment and team that depends on `ref`, directly or not, with a shortest path each. */
  impact(ref: string, options: { visibleTeams: VisibleTeams }): ImpactView {
    const canSee = this.#canSee(this.#graph, options.visibleTeams);
    const v = this.#node(ref);
    if (!canSee(v)) throw new NotFoundError(`No deployment ${ref}`);
    return buildImpactResponse(this.#graph, v, canSee);
  }

  /** Edges whose source the reader may see; with `team`, only those from or to it. */
  edges(options: { team?: string; visibleTeams: VisibleTeams }): DependenciesResponse {
    const graph = this.#graph;
    const team = options.team === undefined ? undefined : graph.teams.find(options.team);
    if (team === -1) return { items: [] };
    const selection = selectGraph(graph, { canSee: this.#canSee(graph, options.visibleTeams), team });
    return { items: describeEdges(graph, selection) };
  }

  /** Nodes, edges and cycles the reader may see, around `root` or for `team`. */
  graph(options: { team?: string; root?: string; visibleTeams: VisibleTeams }): DependencyGraphResponse & {
    nodes: DependencyGraphNodeView[];
  } {
    const graph = this.#graph;
    const canSee = this.#canSee(graph, options.visibleTeams);
    const team = options.team === undefined ? undefined : graph.teams.find(options.team);
    let root: number | undefined;
    if (options.root !== undefined) {
      root = this.#node(options.root);
      if (!canSee(root)) throw new NotFoundError(`No deployment ${options.root}`);
    }
    if (team === -1) return { nodes: [], edges: [], cycles: [] };
    return buildGraphResponse(graph, selectGraph(graph, { canSee, team, root }), canSee);
  }

  /** Direct dependencies of `ref` that are not `Ready` yet (or do not exist): the coordinator waits for them. */
  waitingFor(ref: string): string[] {
    const graph = this.#graph;
    const v = graph.indexOf(ref);
    if (v < 0) return [];
    return Array.from(graph.outOf(v))
      .filter(t => !graph.exists(t) || graph.phase(t) !== READY)
      .map(t => graph.ref(t));
  }

  /** Deployments that depend on `ref` directly and are not being deleted themselves. */
  neededBy(ref: string): string[] {
    const graph = this.#graph;
    const v = graph.indexOf(ref);
    if (v < 0) return [];
    return Array.from(graph.inOf(v))
      .filter(d => d !== v && graph.exists(d) && graph.phase(d) !== DELETING)
      .map(d => graph.ref(d));
  }

  /** Throws ConflictError when others still need `ref`, unless `force` (an admin's decision). */
  assertCanTearDown(ref: string, options: { force?: boolean } = {}): void {
    const needed = this.neededBy(ref);
    if (needed.length > 0 && !options.force) {
      throw new ConflictError(
        `${ref} is still needed by ${needed.join(', ')}; tear those down first, or force it as an admin`,
      );
    }
  }

  #node(ref: string): number {
    const v = this.#graph.indexOf(ref);
    if (v < 0) throw new NotFoundError(`No deployment ${ref}`);
    return v;
  }

  #canSee(facts: NodeFacts, visibleTeams: VisibleTeams): (v: number) => boolean {
    return this.#visibility.canSee(facts, visibleTeams);
  }


  #changeGrants(changes: Array<[string, readonly string[] | undefined]>): DependencyError[] {
    this.#replays?.push(() => this.#changeGrants(changes));
    const teams = this.#graph.teams;
    const revoked = new Map<number, Set<number>>();
    for (const [team, grants] of changes) {
      const owner = teams.id(team);
      const next = new Set((grants ?? []).map(g => teams.id(g)));
      const lost = [...this.#rules.grantsOf(owner)].filter(g => !next.has(g));
      if (lost.length > 0) revoked.set(owner, new Set(lost));
      if (grants) this.#rules.setGrants(team, grants);
      else this.#rules.removeTeam(team);
    }
    return this.#publish(this.#inspector.grantsRevoked(revoked), 'team.changed');
  }

  #describe(
    violations: Violation[],
    facts: NodeFacts,
    canSee: (v: number) => boolean,
    canName: (v: number) => boolean = canSee,
  ): DependencyError[] {
    const context = { facts, graph: this.#graph, rules: this.#rules, canSee, canName };
    const unique = new Map<string, DependencyError>();
    for (const violation of violations) {
      const error = describeViolation(violation, context);
      unique.set(`${error.code} ${error.message}`, error);
    }
    return [...unique.values()];
  }

  /** Describes violations and emits one event per violation and team concerned. */
  #publish(violations: Violation[], cause: string): DependencyError[] {
    const graph = this.#graph;
    const errors = this.#describe(violations, graph, () => true);
    if (!this.#emit) return errors;
    const sent = new Set<string>();
    for (const violation of violations) {
      const error = describeViolation(violation, { facts: graph, graph, rules: this.#rules, canSee: () => true });
      const from = violation.code === 'CYCLE' ? violation.path[0] : violation.from;
      const teams = new Set([graph.team(from)]);
      if ('to' in violation) teams.add(graph.team(violation.to));
      for (const team of teams) {
        const key = `${team} ${error.code} ${error.message}`;
        if (sent.has(key)) continue;
        sent.add(key);
        this.#send({
          type: 'dependency.violation',
          team: graph.teams.value(team),
          ref: graph.ref(from),
          payload: { ...error, cause },
        });
      }
    }
    return errors;
  }

  #send(event: NewNestorEvent): void {
    try {
      const result = this.#emit!(event);
      if (result) result.catch(error => this.#logger.warn(`Could not emit ${event.type} for ${event.ref}`, error));
    } catch (error) {
      this.#logger.warn(`Could not emit ${event.type} for ${event.ref}`, error as Error);
    }
  }
}
