import { DEPLOYMENT_PHASES } from '@nestor/plugin-nestor-common';
import { DependencyGraph } from './DependencyGraph';
import { DefinitionFacts, DependencyRules } from './DependencyRules';
import { Violation } from './types';

const DELETING = DEPLOYMENT_PHASES.indexOf('Deleting');

/** A deployment node as it was before a change. @internal */
export interface NodeSnapshot {
  type: number;
  version: number;
  definition: number;
  phase: number;
  out: Int32Array;
}

/**
 * Finds the dependencies a change breaks, looking only at the changed nodes
 * and their neighbours (or, for definition and grant changes, one scan of the
 * node table). Each method is called after the change is applied to the graph.
 * @internal
 */
export class ChangeInspector {
  readonly #graph: DependencyGraph;
  readonly #rules: DependencyRules;

  constructor(graph: DependencyGraph, rules: DependencyRules) {
    this.#graph = graph;
    this.#rules = rules;
  }

  snapshot(v: number): NodeSnapshot | undefined {
    const graph = this.#graph;
    if (v < 0 || !graph.exists(v)) return undefined;
    return {
      type: graph.type(v),
      version: graph.version(v),
      definition: graph.definition(v),
      phase: graph.phase(v),
      out: graph.outOf(v).slice(),
    };
  }

  /** After an upsert of `v`, which was `before`. */
  deploymentChanged(v: number, before: NodeSnapshot | undefined): Violation[] {
    const graph = this.#graph;
    const rules = this.#rules;
    const violations: Violation[] = [];
    const out = graph.outOf(v);
    if (!before || before.definition !== graph.definition(v) || !sameMembers(before.out, out)) {
      for (const t of out) rules.checkEdge(graph, v, t, violations);
      rules.checkRequirements(graph, v, out, 0, out.length, violations);
    }
    const enteredDeleting = graph.phase(v) === DELETING && before?.phase !== DELETING;
    const typeChanged = before !== undefined && before.type !== graph.type(v);
    if (!before || enteredDeleting || typeChanged || before.version !== graph.version(v)) {
      for (const c of this.#liveDependents(v)) {
        const found: Violation[] = [];
        rules.checkEdge(graph, c, v, found);
        if (typeChanged) {
          const consumerOut = graph.outOf(c);
          rules.checkRequirements(graph, c, consumerOut, 0, consumerOut.length, found);
        }
        for (const violation of found) {
          if (
            violation.code === 'VERSION_MISMATCH' ||
            (violation.code === 'TARGET_DELETING' && enteredDeleting) ||
            (violation.code === 'MISSING_REQUIRED_TYPE' && violation.type === before?.type)
          ) {
            violations.push(violation);
          }
        }
      }
    }
    return violations;
  }

  /** Before `v` is removed: its live dependents lose a target. */
  deploymentRemoving(v: number): Violation[] {
    return this.#liveDependents(v).map((c): Violation => ({ code: 'MISSING_TARGET', from: c, to: v }));
  }

  /**
   * After definitions changed (`before` holds their previous facts by
   * definition id): deployments whose `requires` changed are checked again,
   * and consumers of a definition whose new version leaves their range are
   * reported before anything is upgraded.
   */
  definitionsChanged(before: ReadonlyMap<number, DefinitionFacts | undefined>): Violation[] {
    const graph = this.#graph;
    const rules = this.#rules;
    const violations: Violation[] = [];
    for (const v of graph.deploymentIds()) {
      const id = graph.definition(v);
      if (!before.has(id)) continue;
      const previous = before.get(id);
      const current = rules.definition(id);
      if (!current) continue;
      if (!previous || !sameRequirements(previous, current)) {
        const out = graph.outOf(v);
        const found: Violation[] = [];
        for (const t of out) rules.checkEdge(graph, v, t, found);
        rules.checkRequirements(graph, v, out, 0, out.length, found);
        for (const violation of found) {
          if (violation.code === 'VERSION_MISMATCH' || violation.code === 'MISSING_REQUIRED_TYPE') {
            violations.push(violation);
          }
        }
      }
      if (!previous || previous.version === current.version) continue;
      for (const c of this.#liveDependents(v)) {
        const requirements = rules.definition(graph.definition(c))?.requires ?? [];
        for (const requirement of requirements) {
          if (
            requirement.type === graph.type(v) &&
            rules.satisfies(graph.version(v), requirement.range) &&
            !rules.satisfies(current.version, requirement.range)
          ) {
            violations.push({ code: 'VERSION_MISMATCH', from: c, to: v, range: requirement.range, upgradeTo: current.version });
          }
        }
      }
    }
    return violations;
  }

  /** After grants were withdrawn: `revoked` maps an owner team id to the team ids it no longer grants. */
  grantsRevoked(revoked: ReadonlyMap<number, ReadonlySet<number>>): Violation[] {
    const graph = this.#graph;
    const violations: Violation[] = [];
    if (revoked.size === 0) return violations;
    for (const v of graph.deploymentIds()) {
      const teams = revoked.get(graph.team(v));
      if (!teams) continue;
      for (const c of this.#liveDependents(v)) {
        if (teams.has(graph.team(c))) violations.push({ code: 'CROSS_TEAM_NOT_GRANTED', from: c, to: v });
      }
    }
    return violations;
  }

  /** Existing dependents of `v` that are not being deleted themselves. */
  #liveDependents(v: number): number[] {
    const graph = this.#graph;
    const dependents = graph.inOf(v);
    const live: number[] = [];
    for (let i = 0; i < dependents.length; i++) {
      const c = dependents[i];
      if (c !== v && graph.exists(c) && graph.phase(c) !== DELETING) live.push(c);
    }
    return live;
  }
}

function sameMembers(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  const sortedA = a.slice().sort();
  const sortedB = b.slice().sort();
  return sortedA.every((x, i) => x === sortedB[i]);
}

function sameRequirements(a: DefinitionFacts, b: DefinitionFacts): boolean {
  return (
    a.requires.length === b.requires.length &&
    a.requires.every((r, i) => r.type === b.requires[i].type && r.range === b.requires[i].range)
  );
}
