import { DependencyGraph } from './DependencyGraph';
import { graphRecord } from './__testUtils__/dependencyFixtures';

function edgesOf(graph: DependencyGraph): string[] {
  const { offsets, targets, size } = graph.csr();
  const edges: string[] = [];
  for (let v = 0; v < size; v++) {
    for (let i = offsets[v]; i < offsets[v + 1]; i++) edges.push(`${graph.ref(v)} -> ${graph.ref(targets[i])}`);
  }
  return edges.sort();
}

function dependentsOf(graph: DependencyGraph, ref: string): string[] {
  return Array.from(graph.inOf(graph.indexOf(ref)), v => graph.ref(v)).sort();
}

describe('DependencyGraph', () => {
  it('builds nodes and edges from records, dropping repeated targets', () => {
    const graph = DependencyGraph.fromRecords([
      graphRecord('a/dev/api', { dependsOn: ['a/dev/db', 'a/dev/db', 'b/dev/vpc'] }),
      graphRecord('a/dev/db', { resource: 'postgres@1.4.0:database.postgresql', dependsOn: ['b/dev/vpc'] }),
      graphRecord('b/dev/vpc', { resource: 'vpc@1.2.0:network.vpc', phase: 'Syncing' }),
    ]);
    expect(graph.deploymentCount).toBe(3);
    expect(graph.edgeCount).toBe(3);
    expect(edgesOf(graph)).toEqual(['a/dev/api -> a/dev/db', 'a/dev/api -> b/dev/vpc', 'a/dev/db -> b/dev/vpc']);
    const db = graph.indexOf('a/dev/db');
    expect(graph.teams.value(graph.team(db))).toBe('a');
    expect(graph.types.value(graph.type(db))).toBe('database.postgresql');
    expect(graph.versions.value(graph.version(db))).toBe('1.4.0');
    expect(graph.definitions.value(graph.definition(db))).toBe('postgres');
    expect(graph.phaseName(graph.indexOf('b/dev/vpc'))).toBe('Syncing');
    expect(dependentsOf(graph, 'b/dev/vpc')).toEqual(['a/dev/api', 'a/dev/db']);
  });

  it('takes the last record when a ref comes more than once', () => {
    const graph = DependencyGraph.fromRecords([
      graphRecord('a/dev/api', { dependsOn: ['a/dev/old'], phase: 'Failed' }),
      graphRecord('a/dev/db'),
      graphRecord('a/dev/api', { dependsOn: ['a/dev/db'], phase: 'Pending' }),
    ]);
    expect(graph.deploymentCount).toBe(2);
    expect(graph.phaseName(graph.indexOf('a/dev/api'))).toBe('Pending');
    expect(edgesOf(graph)).toEqual(['a/dev/api -> a/dev/db']);
    expect(graph.indexOf('a/dev/old')).toBe(-1);
  });

  it('keeps a missing target as a placeholder that heals when the deployment appears', () => {
    const graph = DependencyGraph.fromRecords([graphRecord('a/dev/api', { dependsOn: ['b/prod/vpc'] })]);
    const vpc = graph.indexOf('b/prod/vpc');
    expect(vpc).toBeGreaterThanOrEqual(0);
    expect(graph.exists(vpc)).toBe(false);
    expect(graph.isPlaceholder(vpc)).toBe(true);
    expect(graph.teams.value(graph.team(vpc))).toBe('b');
    expect(graph.environments.value(graph.environment(vpc))).toBe('prod');
    expect(graph.deploymentCount).toBe(1);

    graph.upsert(graphRecord('b/prod/vpc', { resource: 'vpc@1.0.0:network.vpc' }));
    expect(graph.indexOf('b/prod/vpc')).toBe(vpc);
    expect(graph.exists(vpc)).toBe(true);
    expect(graph.deploymentCount).toBe(2);
    expect(dependentsOf(graph, 'b/prod/vpc')).toEqual(['a/dev/api']);
  });

  it('updates edges in both directions on upsert', () => {
    const graph = DependencyGraph.fromRecords([
      graphRecord('a/dev/api', { dependsOn: ['a/dev/db'] }),
      graphRecord('a/dev/db'),
      graphRecord('a/dev/cache'),
    ]);
    graph.upsert(graphRecord('a/dev/api', { dependsOn: ['a/dev/cache', 'a/dev/queue'] }));
    expect(Array.from(graph.outOf(graph.indexOf('a/dev/api')), v => graph.ref(v))).toEqual([
      'a/dev/cache',
      'a/dev/queue',
    ]);
    expect(dependentsOf(graph, 'a/dev/db')).toEqual([]);
    expect(dependentsOf(graph, 'a/dev/cache')).toEqual(['a/dev/api']);
    expect(graph.edgeCount).toBe(2);
    expect(edgesOf(graph)).toEqual(['a/dev/api -> a/dev/cache', 'a/dev/api -> a/dev/queue']);
    // the reversed CSR agrees with the overrides after folding them in
    const reverse = graph.reverseCsr();
    const cache = graph.indexOf('a/dev/cache');
    expect(Array.from(reverse.targets.subarray(reverse.offsets[cache], reverse.offsets[cache + 1]))).toEqual([
      graph.indexOf('a/dev/api'),
    ]);
  });

  it('frees a placeholder when nothing depends on it any more, and reuses its slot', () => {
    const graph = DependencyGraph.fromRecords([graphRecord('a/dev/api', { dependsOn: ['a/dev/gone'] })]);
    const gone = graph.indexOf('a/dev/gone');
    graph.upsert(graphRecord('a/dev/api'));
    expect(graph.indexOf('a/dev/gone')).toBe(-1);
    graph.upsert(graphRecord('a/dev/new'));
    expect(graph.indexOf('a/dev/new')).toBe(gone);
    expect(graph.exists(gone)).toBe(true);
    expect(graph.size).toBe(2);
  });

  it('turns a removed deployment into a placeholder while others depend on it', () => {
    const graph = DependencyGraph.fromRecords([
      graphRecord('a/dev/api', { dependsOn: ['a/dev/db'] }),
      graphRecord('a/dev/db', { dependsOn: ['a/dev/vpc'] }),
      graphRecord('a/dev/vpc'),
    ]);
    graph.remove('a/dev/db');
    const db = graph.indexOf('a/dev/db');
    expect(graph.exists(db)).toBe(false);
    expect(graph.outOf(db)).toHaveLength(0);
    expect(dependentsOf(graph, 'a/dev/vpc')).toEqual([]);
    expect(graph.deploymentCount).toBe(2);
    expect(graph.edgeCount).toBe(1);
    graph.remove('a/dev/api');
    expect(graph.indexOf('a/dev/db')).toBe(-1);
    expect(graph.edgeCount).toBe(0);
  });

  it('leaves Deleted and Cancelled records out, and removes on such an upsert', () => {
    const graph = DependencyGraph.fromRecords([
      graphRecord('a/dev/old', { phase: 'Deleted' }),
      graphRecord('a/dev/api', { phase: 'Cancelled' }),
      graphRecord('a/dev/db'),
    ]);
    expect(graph.deploymentCount).toBe(1);
    expect(graph.indexOf('a/dev/old')).toBe(-1);
    graph.upsert(graphRecord('a/dev/db', { phase: 'Deleted' }));
    expect(graph.deploymentCount).toBe(0);
  });

  it.each([
    [60, 3_000],
    // enough changed nodes to fold the overrides into the CSR base several times on the way
    [6_000, 40_000],
  ])('stays consistent through many incremental changes (%i nodes, %i changes, compared with a rebuild)', (nodes, steps) => {
    const refs = Array.from({ length: nodes }, (_, i) => `t${i % 4}/dev/n${i}`);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const current = new Map<string, string[]>();
    const graph = DependencyGraph.fromRecords([]);
    for (let step = 0; step < steps; step++) {
      const ref = refs[random(refs.length)];
      if (random(5) === 0) {
        current.delete(ref);
        graph.remove(ref);
      } else {
        const deps = Array.from({ length: random(4) }, () => refs[random(refs.length)]);
        current.set(ref, deps);
        graph.upsert(graphRecord(ref, { dependsOn: deps }));
      }
    }
    const rebuilt = DependencyGraph.fromRecords([...current].map(([ref, deps]) => graphRecord(ref, { dependsOn: deps })));
    expect(edgesOf(graph)).toEqual(edgesOf(rebuilt));
    expect(graph.edgeCount).toBe(rebuilt.edgeCount);
    expect(graph.deploymentCount).toBe(rebuilt.deploymentCount);
    for (const ref of current.keys()) expect(dependentsOf(graph, ref)).toEqual(dependentsOf(rebuilt, ref));
  });
});
