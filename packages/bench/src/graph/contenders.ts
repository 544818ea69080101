import { Graph, alg } from '@dagrejs/graphlib';
// eslint-disable-next-line @backstage/no-forbidden-package-imports -- not exported by the package index (yet)
import { DependencyService } from '@nestor/plugin-nestor-backend/src/services/dependencies/DependencyService';
import { GeneratedGraph } from './generateDependencyGraph';

/** What each step returns, so both sides can be checked against each other. */
export interface StepResults {
  /** cycles found (both) */
  cycles: number;
  /** deployments placed in an order */
  ordered: number;
  /** transitive dependents of the impact ref */
  dependents: number;
  /** sum of the impact paths' lengths (both build a path per dependent) */
  pathNodes: number;
}

/** One side of the comparison: four steps over the same input. */
export interface Contender<S> {
  name: string;
  build(input: GeneratedGraph): Promise<S>;
  validate(state: S): number;
  order(state: S): number;
  impact(state: S, ref: string): { dependents: number; pathNodes: number };
}

type Logger = Parameters<typeof DependencyService.create>[0]['logger'];

const silent: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silent,
};

/**
 * Nestor through its public service API: `DependencyService.create` (reads
 * records, teams and definitions from a store; builds the CSR graph and the
 * rules), `validateAll` (every edge against grants, environments, deleting
 * targets and semver ranges, every requirement, every cycle with its path),
 * `order` (Kahn waves of every deployment) and `impact` (reverse BFS with a
 * path per dependent).
 */
export const nestor: Contender<DependencyService> = {
  name: 'nestor',
  build: input =>
    DependencyService.create({
      logger: silent,
      store: {
        deployments: { listGraphRecords: async () => input.records as any },
        teams: {
          listTeams: async () =>
            input.teams.map(t => ({
              ...t,
              source: { id: 'bench', path: 'teams.yaml', commit: 'c' },
              updatedAt: '',
            })),
        },
        catalog: {
          getItems: async names => {
            const wanted = new Set(names);
            return input.definitions
              .filter(d => wanted.has(d.metadata.name))
              .map(definition => ({
                name: definition.metadata.name,
                definition,
                source: { id: 'bench', url: '', path: '', commit: '' },
                createdAt: '',
                updatedAt: '',
              }));
          },
          listVersions: async () => [],
        },
      },
    }),
  validate: service =>
    service.validateAll().filter(e => e.code === 'CYCLE').length,
  order: service => service.order().waves.reduce((n, w) => n + w.length, 0),
  impact: (service, ref) => {
    const { dependents } = service.impact(ref, { visibleTeams: '*' });
    return {
      dependents: dependents.length,
      pathNodes: dependents.reduce((n, d) => n + d.path.length, 0),
    };
  },
};

/**
 * `@dagrejs/graphlib`: a `Graph` with each record as its node label and one
 * `setEdge` per dependency; `alg.findCycles` (its Tarjan), `alg.topsort`,
 * and impact as a BFS over `predecessors` with a path per dependent (graphlib
 * has no such algorithm; this is the same BFS as Nestor's, on its structure).
 */
export const graphlib: Contender<Graph> = {
  name: '@dagrejs/graphlib',
  build: async input => {
    const g = new Graph({ directed: true });
    for (const record of input.records) g.setNode(record.ref, record);
    for (const record of input.records)
      for (const target of record.dependsOn) g.setEdge(record.ref, target);
    return g;
  },
  validate: g => alg.findCycles(g).length,
  order: g => alg.topsort(g).length,
  impact: (g, ref) => {
    const parent = new Map<string, string | null>([[ref, null]]);
    const queue = [ref];
    for (let head = 0; head < queue.length; head++) {
      for (const d of g.predecessors(queue[head]) ?? []) {
        if (!parent.has(d)) {
          parent.set(d, queue[head]);
          queue.push(d);
        }
      }
    }
    let pathNodes = 0;
    for (let i = 1; i < queue.length; i++) {
      const path: string[] = [];
      for (let x: string | null = queue[i]; x !== null; x = parent.get(x)!)
        path.push(x);
      pathNodes += path.length;
    }
    return { dependents: queue.length - 1, pathNodes };
  },
};
