import { deploymentQueryScope } from './deploymentQueryScope';

const team = (...values: string[]) => ({ property: 'team' as const, values });
const env = (...values: string[]) => ({ property: 'environment' as const, values });

describe('deploymentQueryScope', () => {
  it('narrows to the teams of a single filter', () => {
    expect(deploymentQueryScope(team('a', 'b'))).toEqual({ teams: ['a', 'b'] });
  });

  it('intersects the children of allOf, per dimension', () => {
    expect(deploymentQueryScope({ allOf: [team('a', 'b'), team('b', 'c'), env('prod')] })).toEqual({
      teams: ['b'],
      environments: ['prod'],
    });
  });

  it('unites the children of anyOf, and leaves a dimension open when one child does', () => {
    expect(deploymentQueryScope({ anyOf: [team('a'), team('b')] })).toEqual({ teams: ['a', 'b'], environments: undefined });
    expect(deploymentQueryScope({ anyOf: [team('a'), env('dev')] })).toEqual({ teams: undefined, environments: undefined });
  });

  it('does not narrow through not', () => {
    expect(deploymentQueryScope({ allOf: [team('a'), { not: env('prod') }] })).toEqual({ teams: ['a'], environments: undefined });
  });

  it('ignores filters it does not know (rules added by other modules)', () => {
    expect(deploymentQueryScope({ allOf: [{ sql: 'x' }, team('a')] })).toEqual({ teams: ['a'], environments: undefined });
  });
});
