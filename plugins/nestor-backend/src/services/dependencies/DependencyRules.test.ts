import { DependencyGraph } from './DependencyGraph';
import { DependencyRules } from './DependencyRules';
import { graphRecord, resourceDefinition } from './__testUtils__/dependencyFixtures';
import { Violation } from './types';

function setup() {
  const graph = DependencyGraph.fromRecords([
    graphRecord('a/dev/db', { resource: 'postgres@1.4.0:database.postgresql', dependsOn: ['p/dev/vpc'] }),
    graphRecord('a/dev/api', { dependsOn: ['b/dev/cache', 'a/staging/q', 'a/shared/q', 'a/dev/gone', 'a/dev/del'] }),
    graphRecord('p/dev/vpc', { resource: 'vpc@2.0.0:network.vpc' }),
    graphRecord('b/dev/cache'),
    graphRecord('a/staging/q'),
    graphRecord('a/shared/q'),
    graphRecord('a/dev/del', { phase: 'Deleting' }),
  ]);
  const rules = new DependencyRules(graph, { environmentLinks: { dev: ['shared'] } });
  rules.setGrants('p', ['a']);
  rules.setDefinition(
    resourceDefinition('postgres', {
      type: 'database.postgresql',
      requires: [
        { type: 'network.vpc', version: '^1.0.0' },
        { type: 'cache.redis', version: '*' },
      ],
    }),
  );
  const check = (from: string, to: string) => {
    const out: Violation[] = [];
    rules.checkEdge(graph, graph.indexOf(from), graph.indexOf(to), out);
    return out.map(v => v.code);
  };
  return { graph, rules, check };
}

describe('DependencyRules', () => {
  it('checks the grant of the target team before anything else', () => {
    const { check } = setup();
    expect(check('a/dev/api', 'b/dev/cache')).toEqual(['CROSS_TEAM_NOT_GRANTED']);
    expect(check('a/dev/db', 'p/dev/vpc')).toEqual(['VERSION_MISMATCH']);
  });

  it('reports missing, deleting, self and environment problems on an edge', () => {
    const { check } = setup();
    expect(check('a/dev/api', 'a/dev/gone')).toEqual(['MISSING_TARGET']);
    expect(check('a/dev/api', 'a/dev/del')).toEqual(['TARGET_DELETING']);
    expect(check('a/dev/api', 'a/dev/api')).toEqual(['SELF_DEPENDENCY']);
    expect(check('a/dev/api', 'a/staging/q')).toEqual(['ENVIRONMENT_MISMATCH']);
    expect(check('a/dev/api', 'a/shared/q')).toEqual([]);
  });

  it('reports each required type with no deployment among the targets', () => {
    const { graph, rules } = setup();
    const db = graph.indexOf('a/dev/db');
    const out: Violation[] = [];
    const targets = graph.outOf(db);
    rules.checkRequirements(graph, db, targets, 0, targets.length, out);
    expect(out).toEqual([
      { code: 'MISSING_REQUIRED_TYPE', from: db, type: graph.types.find('cache.redis'), range: rules.ranges.find('*') },
    ]);
  });

  it('decides version ranges with semver, and nothing satisfies an invalid range', () => {
    const { graph, rules } = setup();
    const version = graph.versions.id('1.5.0');
    rules.setDefinition(
      resourceDefinition('odd', { type: 'x.y', requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }] }),
    );
    const range = rules.ranges.find('>=1.0.0 <2.0.0');
    expect(rules.satisfies(version, range)).toBe(true);
    expect(rules.satisfies(graph.versions.id('2.0.0'), range)).toBe(false);
    rules.setDefinition(resourceDefinition('bad', { type: 'x.z', requires: [{ type: 'network.vpc', version: '1.x.y.z' }] }));
    const bad = rules.ranges.find('1.x.y.z');
    expect(rules.isInvalidRange(bad)).toBe(true);
    expect(rules.satisfies(version, bad)).toBe(false);
  });
});
