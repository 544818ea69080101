import { DependencyError } from '@nestor/plugin-nestor-common';
import { DependencyGraph } from './DependencyGraph';
import { DependencyRules } from './DependencyRules';
import { NodeFacts, Violation } from './types';

/** What {@link describeViolation} reads names from. @internal */
export interface ViolationContext {
  facts: NodeFacts;
  graph: DependencyGraph;
  rules: DependencyRules;
  /** whether the reader may see the details of node `v` (version, type, phase) */
  canSee(v: number): boolean;
  /** whether the reader may see the ref of node `v` (defaults to `canSee`; a ref the reader wrote is always shown) */
  canName?(v: number): boolean;
}

/**
 * Turns a violation into the API's `DependencyError`: a code, a sentence and
 * the refs involved. Nodes the reader may not see appear as `<team>/*` (unless
 * the reader named them), with no version, type or phase.
 * @internal
 */
export function describeViolation(violation: Violation, context: ViolationContext): DependencyError {
  const { facts, graph, rules, canSee } = context;
  const canName = context.canName ?? canSee;
  const ref = (v: number) => (canName(v) ? facts.ref(v) : `${graph.teams.value(facts.team(v))}/*`);
  const teamOf = (v: number) => graph.teams.value(facts.team(v));
  const named = (v: number) => {
    const definition = canSee(v) ? rules.definition(facts.definition(v)) : undefined;
    return definition ? `${ref(v)} (${definition.name})` : ref(v);
  };
  const range = (id: number) =>
    `"${rules.ranges.value(id)}"${rules.isInvalidRange(id) ? ', which is not a valid semver range' : ''}`;

  switch (violation.code) {
    case 'CYCLE': {
      const path = violation.path.map(ref);
      const distinct = violation.path.length - 1;
      const rest = violation.size > distinct ? ` (${violation.size} deployments depend on one another around it)` : '';
      return { code: 'CYCLE', message: `dependency cycle: ${path.join(' -> ')}${rest}`, refs: path };
    }
    case 'MISSING_REQUIRED_TYPE': {
      const type = graph.types.value(violation.type);
      return {
        code: violation.code,
        message: `${named(violation.from)} requires a ${type} deployment (${range(violation.range)}) in its dependsOn, and has none`,
        refs: [ref(violation.from)],
      };
    }
    case 'SELF_DEPENDENCY':
      return { code: violation.code, message: `${ref(violation.from)} depends on itself`, refs: [ref(violation.from)] };
    default:
  }

  const { from, to } = violation;
  const refs = [ref(from), ref(to)];
  const edge = `${refs[0]} depends on ${refs[1]}`;
  switch (violation.code) {
    case 'CROSS_TEAM_NOT_GRANTED':
      return {
        code: violation.code,
        message: `${edge}, but team ${teamOf(to)} does not grant team ${teamOf(from)} (spec.grants of its TeamConfig)`,
        refs,
      };
    case 'MISSING_TARGET':
      return { code: violation.code, message: `${edge}, which does not exist`, refs };
    case 'TARGET_DELETING':
      return { code: violation.code, message: `${edge}, which is being deleted`, refs };
    case 'ENVIRONMENT_MISMATCH': {
      const env = (v: number) => graph.environments.value(facts.environment(v));
      return {
        code: violation.code,
        message: `${refs[0]} in environment ${env(from)} depends on ${refs[1]} in environment ${env(to)}; dependencies stay in one environment unless an environment link allows it`,
        refs,
      };
    }
    case 'VERSION_MISMATCH': {
      const needs = `${named(from)} requires ${graph.types.value(facts.type(to))} ${range(violation.range)}`;
      const target = rules.definition(facts.definition(to))?.name ?? graph.types.value(facts.type(to));
      const deployed = graph.versions.value(facts.version(to));
      let message: string;
      if (!canSee(to)) {
        message = `${needs}, but ${refs[1]} does not satisfy it`;
      } else if (violation.upgradeTo !== undefined) {
        message = `${needs}, but definition ${target} is now ${graph.versions.value(violation.upgradeTo)}: upgrading ${refs[1]} (still ${deployed}) would leave it out of range`;
      } else {
        message = `${needs}, but ${refs[1]} is ${target}@${deployed}`;
      }
      return { code: violation.code, message, refs };
    }
    default:
      throw new Error(`unknown violation ${(violation as Violation).code}`);
  }
}
