import { Deployment } from '@nestor/plugin-nestor-common';

/**
 * What the dependency graph needs of a deployment: the shape of
 * `DeploymentStore.listGraphRecords()` rows.
 * @public
 */
export interface DependencyGraphRecord {
  id?: string;
  ref: string;
  team: string;
  environment: string;
  resource: Pick<Deployment['resource'], 'name' | 'version' | 'type'>;
  phase: Deployment['phase'];
  dependsOn: string[];
}

/**
 * A graph in compressed sparse row form: the neighbours of node `v` are
 * `targets[offsets[v]]` up to (not including) `targets[offsets[v + 1]]`.
 * @public
 */
export interface Csr {
  /** number of nodes */
  size: number;
  offsets: Int32Array;
  targets: Int32Array;
}

/**
 * Integer facts about the nodes of a graph, read by the dependency rules.
 * Implemented by {@link DependencyGraph} and by the overlay that adds the
 * requests under validation to it. Ids are those of the graph's interners.
 * @public
 */
export interface NodeFacts {
  ref(v: number): string;
  /** true for a deployment (or a request under validation); false for a missing target */
  exists(v: number): boolean;
  team(v: number): number;
  environment(v: number): number;
  type(v: number): number;
  version(v: number): number;
  definition(v: number): number;
  /** index in `DEPLOYMENT_PHASES` */
  phase(v: number): number;
  outOf(v: number): ArrayLike<number>;
}

/** A broken rule, in node ids; turned into a `DependencyError` by `describeViolation`. @public */
export type Violation =
  | {
      code: 'MISSING_TARGET' | 'SELF_DEPENDENCY' | 'TARGET_DELETING' | 'CROSS_TEAM_NOT_GRANTED' | 'ENVIRONMENT_MISMATCH';
      from: number;
      to: number;
    }
  | {
      code: 'VERSION_MISMATCH';
      from: number;
      to: number;
      range: number;
      /** set when the target still satisfies the range, but the version its definition moved to does not */
      upgradeTo?: number;
    }
  | { code: 'MISSING_REQUIRED_TYPE'; from: number; type: number; range: number }
  | { code: 'CYCLE'; path: number[]; size: number };

/** Teams a caller may see: team names, or `'*'` for all. @public */
export type VisibleTeams = readonly string[] | ReadonlySet<string> | '*';
