import { DEPLOYMENT_PHASES, ResourceDefinition } from '@nestor/plugin-nestor-common';
import { DependencyGraph } from './DependencyGraph';
import { DependencyRules } from './DependencyRules';
import { NodeFacts } from './types';

const PENDING = DEPLOYMENT_PHASES.indexOf('Pending');
const MISSING = 255;
const EMPTY = new Int32Array(0);

/** A request under validation, with the definition its version range resolved to. @public */
export interface ResolvedRequest {
  ref: string;
  team: string;
  environment: string;
  dependsOn: readonly string[];
  definition: ResourceDefinition;
}

interface OverlayNode {
  team: number;
  environment: number;
  type: number;
  version: number;
  definition: number;
  phase: number;
  out: Int32Array;
  /** false for a target that is neither deployed nor requested */
  exists: boolean;
}

/**
 * The graph as it would be if the requests were deployed, without changing
 * it: requests replace the deployments with their ref or become new nodes
 * (ids from `graph.size` up), unknown targets become missing nodes.
 * @internal
 */
export class RequestOverlay implements NodeFacts {
  /** node ids of the requests, in input order */
  readonly requests: number[] = [];
  readonly #graph: DependencyGraph;
  readonly #base: number;
  readonly #virtualRefs: string[] = [];
  readonly #virtualIndex = new Map<string, number>();
  readonly #nodes = new Map<number, OverlayNode>();

  constructor(graph: DependencyGraph, rules: DependencyRules, requests: readonly ResolvedRequest[]) {
    this.#graph = graph;
    this.#base = graph.size;
    for (const request of requests) {
      const v = this.indexOf(request.ref);
      this.requests.push(v >= 0 ? v : this.#addVirtual(request.ref));
    }
    requests.forEach((request, i) => {
      const { definition } = request;
      const version = graph.versions.id(definition.spec.version);
      const name = definition.metadata.name;
      let definitionId = graph.definitions.id(name);
      if (rules.definition(definitionId)?.version !== version) {
        // an older version than the catalog's current one: its own requires
        definitionId = graph.definitions.id(`${name}@${definition.spec.version}`);
        rules.setDefinition(definition, definitionId);
      }
      const out = new Set<number>();
      for (const ref of request.dependsOn) {
        const t = this.indexOf(ref);
        out.add(t >= 0 ? t : this.#addVirtual(ref));
      }
      this.#nodes.set(this.requests[i], {
        team: graph.teams.id(request.team),
        environment: graph.environments.id(request.environment),
        type: graph.types.id(definition.spec.type),
        version,
        definition: definitionId,
        phase: PENDING,
        out: Int32Array.from(out),
        exists: true,
      });
    });
  }

  /** The node id of a ref in the overlay, or -1. */
  indexOf(ref: string): number {
    const v = this.#graph.indexOf(ref);
    return v >= 0 ? v : this.#virtualIndex.get(ref) ?? -1;
  }

  isRequest(v: number): boolean {
    return this.#nodes.get(v)?.exists ?? false;
  }

  /** True when `v` is a request that replaces a deployment (or a missing target) of the graph. */
  isInGraph(v: number): boolean {
    return v < this.#base;
  }

  ref(v: number): string {
    return v < this.#base ? this.#graph.ref(v) : this.#virtualRefs[v - this.#base];
  }

  exists(v: number): boolean {
    return this.#nodes.get(v)?.exists ?? this.#graph.exists(v);
  }

  team(v: number): number {
    return this.#nodes.get(v)?.team ?? this.#graph.team(v);
  }

  environment(v: number): number {
    return this.#nodes.get(v)?.environment ?? this.#graph.environment(v);
  }

  type(v: number): number {
    return this.#nodes.get(v)?.type ?? this.#graph.type(v);
  }

  version(v: number): number {
    return this.#nodes.get(v)?.version ?? this.#graph.version(v);
  }

  definition(v: number): number {
    return this.#nodes.get(v)?.definition ?? this.#graph.definition(v);
  }

  phase(v: number): number {
    return this.#nodes.get(v)?.phase ?? this.#graph.phase(v);
  }

  outOf(v: number): Int32Array {
    return this.#nodes.get(v)?.out ?? this.#graph.outOf(v);
  }

  #addVirtual(ref: string): number {
    const v = this.#base + this.#virtualRefs.length;
    this.#virtualRefs.push(ref);
    this.#virtualIndex.set(ref, v);
    const [team = '', environment = ''] = ref.split('/');
    // a missing target until a request claims it; team and environment come from the ref
    this.#nodes.set(v, {
      team: this.#graph.teams.id(team),
      environment: this.#graph.environments.id(environment),
      type: -1,
      version: -1,
      definition: -1,
      phase: MISSING,
      out: EMPTY,
      exists: false,
    });
    return v;
  }
}
