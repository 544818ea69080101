import { DEPLOYMENT_PHASES, ResourceDefinition } from '@nestor/plugin-nestor-common';
import * as semver from 'semver';
import { DependencyGraph } from './DependencyGraph';
import { Interner } from './Interner';
import { NodeFacts, Violation } from './types';

const DELETING = DEPLOYMENT_PHASES.indexOf('Deleting');
const VERSION_IDS = 2 ** 22;

/** What the rules keep of a resource definition, in interned ids. @public */
export interface DefinitionFacts {
  name: string;
  type: number;
  version: number;
  requires: ReadonlyArray<{ type: number; range: number }>;
}

/**
 * The rules a dependency must follow, over integer node facts: team grants,
 * environment links, definitions' `requires` with parsed semver ranges (each
 * version/range pair is decided once and remembered). Checks push
 * {@link Violation}s and allocate nothing when the edge is fine.
 * @public
 */
export class DependencyRules {
  readonly ranges = new Interner();
  readonly #graph: DependencyGraph;
  readonly #parsed: Array<semver.Range | null> = [];
  readonly #definitions: Array<DefinitionFacts | undefined> = [];
  readonly #grants = new Map<number, Set<number>>();
  /** `#granted[owner * #teamCount + dependent]`: the grants as a dense matrix, rebuilt after changes */
  #granted = new Uint8Array(0);
  #teamCount = 0;
  readonly #environmentLinks = new Map<number, Set<number>>();
  readonly #satisfied = new Map<number, boolean>();

  /**
   * @param environmentLinks - environments a deployment may depend on besides
   *   its own, e.g. `{ dev: ['shared'] }`; by default only its own
   */
  constructor(graph: DependencyGraph, options: { environmentLinks?: Record<string, readonly string[]> } = {}) {
    this.#graph = graph;
    for (const [from, targets] of Object.entries(options.environmentLinks ?? {})) {
      this.#environmentLinks.set(graph.environments.id(from), new Set(targets.map(t => graph.environments.id(t))));
    }
  }

  /** Records a definition under its name (or under `id`, for a version other than the current one). */
  setDefinition(definition: ResourceDefinition, id?: number): DefinitionFacts {
    const graph = this.#graph;
    const facts: DefinitionFacts = {
      name: definition.metadata.name,
      type: graph.types.id(definition.spec.type),
      version: graph.versions.id(definition.spec.version),
      requires: definition.spec.requires.map(r => ({ type: graph.types.id(r.type), range: this.#range(r.version) })),
    };
    this.#definitions[id ?? graph.definitions.id(definition.metadata.name)] = facts;
    return facts;
  }

  removeDefinition(name: string): void {
    const id = this.#graph.definitions.find(name);
    if (id >= 0) this.#definitions[id] = undefined;
  }

  definition(id: number): DefinitionFacts | undefined {
    return id >= 0 ? this.#definitions[id] : undefined;
  }

  /** Replaces the teams `team` lets depend on its deployments. */
  setGrants(team: string, grants: readonly string[]): void {
    this.#grants.set(this.#graph.teams.id(team), new Set(grants.map(g => this.#graph.teams.id(g))));
    this.#teamCount = 0;
  }

  removeTeam(team: string): void {
    this.#grants.delete(this.#graph.teams.id(team));
    this.#teamCount = 0;
  }

  /** The teams `owner` grants, as ids. */
  grantsOf(owner: number): ReadonlySet<number> {
    return this.#grants.get(owner) ?? new Set();
  }

  /** True when a deployment of team `dependent` may depend on one of team `owner`. */
  isGranted(owner: number, dependent: number): boolean {
    if (owner === dependent) return true;
    const teams = this.#teamCount;
    if (owner < teams && dependent < teams) return this.#granted[owner * teams + dependent] === 1;
    return this.#regrant(owner, dependent);
  }

  /** Rebuilds the matrix for the teams known now (few, so small), then answers. */
  #regrant(owner: number, dependent: number): boolean {
    const teams = this.#graph.teams.size;
    if (teams > 4096) return this.#grants.get(owner)?.has(dependent) ?? false;
    this.#granted = new Uint8Array(teams * teams);
    for (const [from, granted] of this.#grants) {
      for (const to of granted) if (from < teams && to < teams) this.#granted[from * teams + to] = 1;
    }
    this.#teamCount = teams;
    return this.#grants.get(owner)?.has(dependent) ?? false;
  }

  /** True when the interned version satisfies the interned range. */
  satisfies(version: number, range: number): boolean {
    if (version < 0) return false;
    const key = range * VERSION_IDS + version;
    let result = this.#satisfied.get(key);
    if (result === undefined) {
      const parsed = this.#parsed[range];
      result = parsed ? parsed.test(this.#graph.versions.value(version)) : false;
      this.#satisfied.set(key, result);
    }
    return result;
  }

  /** True when the range text could not be parsed (nothing satisfies it). */
  isInvalidRange(range: number): boolean {
    return this.#parsed[range] === null;
  }

  /**
   * Checks one edge `from -> to`. Grants are checked before existence, so a
   * team learns nothing about the deployments of a team that does not grant it.
   */
  checkEdge(facts: NodeFacts, from: number, to: number, out: Violation[]): void {
    if (from === to) {
      out.push({ code: 'SELF_DEPENDENCY', from, to });
      return;
    }
    if (!this.isGranted(facts.team(to), facts.team(from))) {
      out.push({ code: 'CROSS_TEAM_NOT_GRANTED', from, to });
      return;
    }
    if (!facts.exists(to)) {
      out.push({ code: 'MISSING_TARGET', from, to });
      return;
    }
    if (facts.phase(to) === DELETING) out.push({ code: 'TARGET_DELETING', from, to });
    const fromEnvironment = facts.environment(from);
    const toEnvironment = facts.environment(to);
    if (fromEnvironment !== toEnvironment && !this.#environmentLinks.get(fromEnvironment)?.has(toEnvironment)) {
      out.push({ code: 'ENVIRONMENT_MISMATCH', from, to });
    }
    const definition = this.definition(facts.definition(from));
    if (!definition) return;
    const type = facts.type(to);
    for (const requirement of definition.requires) {
      if (requirement.type === type && !this.satisfies(facts.version(to), requirement.range)) {
        out.push({ code: 'VERSION_MISMATCH', from, to, range: requirement.range });
      }
    }
  }

  /**
   * Checks that `v` depends on a deployment of every type its definition
   * requires; `targets[start..end)` are what it depends on.
   */
  checkRequirements(
    facts: NodeFacts,
    v: number,
    targets: ArrayLike<number>,
    start: number,
    end: number,
    out: Violation[],
  ): void {
    const definition = this.definition(facts.definition(v));
    if (!definition) return;
    for (const requirement of definition.requires) {
      let found = false;
      for (let i = start; i < end && !found; i++) {
        const t = targets[i];
        found = facts.exists(t) && facts.type(t) === requirement.type;
      }
      if (!found) out.push({ code: 'MISSING_REQUIRED_TYPE', from: v, type: requirement.type, range: requirement.range });
    }
  }

  #range(text: string): number {
    const id = this.ranges.id(text);
    if (id === this.#parsed.length) {
      let parsed: semver.Range | null;
      try {
        parsed = new semver.Range(text);
      } catch {
        parsed = null;
      }
      this.#parsed.push(parsed);
    }
    return id;
  }
}
