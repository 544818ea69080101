import { DEPLOYMENT_PHASES, DeploymentPhase } from '@nestor/plugin-nestor-common';
import { INACTIVE_DEPLOYMENT_PHASES } from '@nestor/plugin-nestor-node';
import { csrFromEdges } from './csrFromEdges';
import { Interner } from './Interner';
import { reverseCsr } from './reverseCsr';
import { Csr, DependencyGraphRecord, NodeFacts } from './types';

const PHASE_INDEX = new Map<string, number>(DEPLOYMENT_PHASES.map((phase, i) => [phase, i]));
/** Phase of a node that something depends on but that does not exist. */
const MISSING = 255;
/** Phase of a slot that holds no node and waits for reuse. */
const FREE = 254;
/** Phases in which a deployment no longer holds its ref: it is gone from the graph. */
const GONE: ReadonlySet<string> = new Set<DeploymentPhase>(INACTIVE_DEPLOYMENT_PHASES);
const EMPTY = new Int32Array(0);
const NO_NODES: readonly number[] = [];

/**
 * The deployments and their `dependsOn` edges, with integer-indexed nodes.
 *
 * Nodes live in typed arrays (team, environment, type, version and
 * definition as interned ids, phase as an index). Edges live in a CSR base
 * built in one pass; incremental changes go to per-node overrides in both
 * directions, so one change costs O(its degree), and whole-graph reads
 * ({@link DependencyGraph.csr}) fold the overrides back in O(V + E).
 * A ref that something depends on but that does not exist is a placeholder
 * node (`exists(v)` false) so the edge is kept and heals when it appears.
 * @public
 */
export class DependencyGraph implements NodeFacts {
  readonly teams = new Interner();
  readonly environments = new Interner();
  readonly types = new Interner();
  readonly versions = new Interner();
  readonly definitions = new Interner();

  readonly #index = new Map<string, number>();
  #refs: string[] = [];
  readonly #free: number[] = [];
  #size = 0;
  #team = new Int32Array(16);
  #environment = new Int32Array(16);
  #type = new Int32Array(16);
  #version = new Int32Array(16);
  #definition = new Int32Array(16);
  #phase = new Uint8Array(16);

  #base: Csr = { size: 0, offsets: new Int32Array(1), targets: EMPTY };
  #reverse: Csr | undefined;
  readonly #outOverride = new Map<number, Int32Array>();
  readonly #inOverride = new Map<number, number[]>();
  #edgeCount = 0;
  #deploymentCount = 0;

  /** Builds the graph in one pass over the records, O(V + E). */
  static fromRecords(records: Iterable<DependencyGraphRecord>): DependencyGraph {
    const list = Array.isArray(records) ? records : [...records];
    const graph = new DependencyGraph();
    // room for every record and a quarter more for missing targets, so the arrays rarely grow
    graph.#grow(Math.max(16, list.length + (list.length >> 2)));
    const index = graph.#index;
    const refs = graph.#refs;
    const byNode: DependencyGraphRecord[] = [];
    for (const record of list) {
      if (GONE.has(record.phase)) continue;
      const v = refs.length;
      index.set(record.ref, v);
      // a store holds one active deployment per ref; if it does not, take the slower path
      if (index.size === v) return DependencyGraph.#fromRecordsWithRepeats(list);
      refs.push(record.ref);
      graph.#setAttributes(v, record);
      byNode.push(record);
    }
    graph.#size = refs.length;
    graph.#buildEdges(byNode);
    return graph;
  }

  /** {@link DependencyGraph.fromRecords} when a ref may come more than once: the last one wins. */
  static #fromRecordsWithRepeats(records: DependencyGraphRecord[]): DependencyGraph {
    const graph = new DependencyGraph();
    const byNode: DependencyGraphRecord[] = [];
    for (const record of records) {
      if (GONE.has(record.phase)) continue;
      const v = graph.#index.get(record.ref) ?? graph.#allocate(record.ref);
      graph.#setAttributes(v, record);
      byNode[v] = record;
    }
    graph.#buildEdges(byNode);
    return graph;
  }

  /** Resolves every node's `dependsOn` (placeholders for missing refs) into the CSR base. */
  #buildEdges(byNode: DependencyGraphRecord[]): void {
    const deployments = byNode.length;
    this.#deploymentCount = deployments;
    let edgeSlots = 0;
    for (let v = 0; v < deployments; v++) edgeSlots += byNode[v].dependsOn.length;
    const from = new Int32Array(edgeSlots);
    const to = new Int32Array(edgeSlots);
    const index = this.#index;
    let k = 0;
    for (let v = 0; v < deployments; v++) {
      for (const ref of byNode[v].dependsOn) {
        from[k] = v;
        to[k++] = index.get(ref) ?? this.#placeholder(ref);
      }
    }
    // drop repeated targets of one node: seen[t] holds the last source + 1
    const seen = new Int32Array(this.#size);
    let kept = 0;
    for (let i = 0; i < k; i++) {
      if (seen[to[i]] === from[i] + 1) continue;
      seen[to[i]] = from[i] + 1;
      from[kept] = from[i];
      to[kept++] = to[i];
    }
    this.#base = csrFromEdges(this.#size, from, to, kept);
    this.#edgeCount = kept;
  }

  /** Number of node slots: every node id is below it. */
  get size(): number {
    return this.#size;
  }

  get deploymentCount(): number {
    return this.#deploymentCount;
  }

  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** The node id of a ref (a deployment or a missing target), or -1. */
  indexOf(ref: string): number {
    return this.#index.get(ref) ?? -1;
  }

  ref(v: number): string {
    return this.#refs[v];
  }

  exists(v: number): boolean {
    return this.#phase[v] < FREE;
  }

  /** True for a missing target that something still depends on. */
  isPlaceholder(v: number): boolean {
    return this.#phase[v] === MISSING;
  }

  team(v: number): number {
    return this.#team[v];
  }

  environment(v: number): number {
    return this.#environment[v];
  }

  type(v: number): number {
    return this.#type[v];
  }

  version(v: number): number {
    return this.#version[v];
  }

  definition(v: number): number {
    return this.#definition[v];
  }

  phase(v: number): number {
    return this.#phase[v];
  }

  phaseName(v: number): DeploymentPhase | undefined {
    return DEPLOYMENT_PHASES[this.#phase[v]];
  }

  /** What `v` depends on. */
  outOf(v: number): Int32Array {
    const override = this.#outOverride.get(v);
    if (override) return override;
    const { offsets, targets, size } = this.#base;
    return v < size ? targets.subarray(offsets[v], offsets[v + 1]) : EMPTY;
  }

  /** What depends on `v`. */
  inOf(v: number): ArrayLike<number> {
    const override = this.#inOverride.get(v);
    if (override) return override;
    if (v >= this.#base.size) return NO_NODES;
    const { offsets, targets } = this.#baseReverse();
    return targets.subarray(offsets[v], offsets[v + 1]);
  }

  /** Every deployment node id (placeholders and free slots left out). */
  *deploymentIds(): IterableIterator<number> {
    for (let v = 0; v < this.#size; v++) if (this.#phase[v] < FREE) yield v;
  }

  /** The whole graph in CSR form (folds pending changes in first). */
  csr(): Csr {
    this.#compact();
    return this.#base;
  }

  /** The whole reversed graph in CSR form: `targets` are dependents. */
  reverseCsr(): Csr {
    this.#compact();
    return this.#baseReverse();
  }

  /**
   * Adds or replaces a deployment and its edges; a `Deleted` or `Cancelled`
   * record removes it. O(degree) plus the degree of each changed target.
   */
  upsert(record: DependencyGraphRecord): void {
    if (GONE.has(record.phase)) {
      this.remove(record.ref);
      return;
    }
    const v = this.#index.get(record.ref) ?? this.#allocate(record.ref);
    if (!this.exists(v)) this.#deploymentCount++;
    this.#setAttributes(v, record);
    const next = new Set<number>();
    for (const ref of record.dependsOn) next.add(this.#index.get(ref) ?? this.#placeholder(ref));
    this.#replaceOut(v, Int32Array.from(next));
  }

  /** Removes a deployment; it stays as a placeholder while others depend on it. */
  remove(ref: string): void {
    const v = this.#index.get(ref);
    if (v === undefined || !this.exists(v)) return;
    this.#replaceOut(v, EMPTY);
    this.#deploymentCount--;
    this.#phase[v] = MISSING;
    this.#type[v] = -1;
    this.#version[v] = -1;
    this.#definition[v] = -1;
    if (this.inOf(v).length === 0) this.#release(v);
  }

  #replaceOut(v: number, next: Int32Array): void {
    const previous = this.outOf(v);
    const inNext = membership(next);
    const inPrevious = membership(previous);
    const removed: number[] = [];
    for (const t of previous) {
      if (!inNext(t)) {
        const dependents = this.#editIn(t);
        const at = dependents.indexOf(v);
        if (at >= 0) dependents.splice(at, 1);
        removed.push(t);
      }
    }
    for (const t of next) if (!inPrevious(t)) this.#editIn(t).push(v);
    this.#edgeCount += next.length - previous.length;
    this.#outOverride.set(v, next);
    for (const t of removed) {
      if (this.#phase[t] === MISSING && this.inOf(t).length === 0) this.#release(t);
    }
    if (this.#outOverride.size + this.#inOverride.size > 4096 + (this.#size >> 2)) this.#compact();
  }

  #editIn(t: number): number[] {
    let list = this.#inOverride.get(t);
    if (!list) {
      list = Array.from(this.inOf(t));
      this.#inOverride.set(t, list);
    }
    return list;
  }

  #compact(): void {
    if (this.#outOverride.size === 0 && this.#inOverride.size === 0) return;
    const n = this.#size;
    const offsets = new Int32Array(n + 1);
    for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v] + this.outOf(v).length;
    const targets = new Int32Array(offsets[n]);
    for (let v = 0; v < n; v++) targets.set(this.outOf(v), offsets[v]);
    this.#base = { size: n, offsets, targets };
    this.#reverse = undefined;
    this.#outOverride.clear();
    this.#inOverride.clear();
  }

  #baseReverse(): Csr {
    if (!this.#reverse) this.#reverse = reverseCsr(this.#base);
    return this.#reverse;
  }

  #setAttributes(v: number, record: DependencyGraphRecord): void {
    this.#team[v] = this.teams.id(record.team);
    this.#environment[v] = this.environments.id(record.environment);
    this.#type[v] = this.types.id(record.resource.type);
    this.#version[v] = this.versions.id(record.resource.version);
    this.#definition[v] = this.definitions.id(record.resource.name);
    this.#phase[v] = PHASE_INDEX.get(record.phase) ?? 0;
  }

  #placeholder(ref: string): number {
    const v = this.#allocate(ref);
    const [team = '', environment = ''] = ref.split('/');
    this.#team[v] = this.teams.id(team);
    this.#environment[v] = this.environments.id(environment);
    this.#type[v] = -1;
    this.#version[v] = -1;
    this.#definition[v] = -1;
    this.#phase[v] = MISSING;
    return v;
  }

  #allocate(ref: string): number {
    const reused = this.#free.pop();
    const v = reused ?? this.#size++;
    if (v >= this.#phase.length) this.#grow(this.#phase.length * 2);
    this.#refs[v] = ref;
    this.#index.set(ref, v);
    this.#phase[v] = FREE;
    return v;
  }

  #release(v: number): void {
    this.#index.delete(this.#refs[v]);
    this.#refs[v] = '';
    this.#phase[v] = FREE;
    this.#outOverride.set(v, EMPTY);
    this.#inOverride.set(v, []);
    this.#free.push(v);
  }

  #grow(capacity: number): void {
    if (capacity <= this.#phase.length) return;
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a);
      return b;
    };
    this.#team = grow(this.#team);
    this.#environment = grow(this.#environment);
    this.#type = grow(this.#type);
    this.#version = grow(this.#version);
    this.#definition = grow(this.#definition);
    this.#phase = grow(this.#phase);
  }
}

/** A membership test that stays linear for the short lists most nodes have. */
function membership(list: Int32Array): (v: number) => boolean {
  if (list.length <= 32) return v => list.includes(v);
  const set = new Set(list);
  return v => set.has(v);
}
