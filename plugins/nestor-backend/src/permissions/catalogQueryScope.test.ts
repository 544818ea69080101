import { catalogQueryScope } from './catalogQueryScope';

describe('catalogQueryScope', () => {
  it('uses the teams of a single filter', () => {
    expect(catalogQueryScope({ visibleToTeams: ['a'] })).toEqual(['a']);
  });

  it('unites anyOf children, and is open when one of them is', () => {
    expect(catalogQueryScope({ anyOf: [{ visibleToTeams: ['a'] }, { visibleToTeams: ['b', 'a'] }] })).toEqual(['a', 'b']);
    expect(catalogQueryScope({ anyOf: [{ visibleToTeams: ['a'] }, { not: { visibleToTeams: ['b'] } }] })).toBeUndefined();
  });

  it('keeps the narrowest bounded child of allOf', () => {
    expect(catalogQueryScope({ allOf: [{ visibleToTeams: ['a', 'b'] }, { visibleToTeams: ['c'] }, { other: 1 }] })).toEqual(['c']);
  });

  it('is open for not', () => {
    expect(catalogQueryScope({ not: { visibleToTeams: ['a'] } })).toBeUndefined();
  });
});
