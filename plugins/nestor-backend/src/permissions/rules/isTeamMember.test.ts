import { isTeamMember } from './isTeamMember';

describe('isTeamMember', () => {
  describe('apply', () => {
    it('allows a deployment owned by one of the teams', () => {
      expect(isTeamMember.apply({ team: 'team-a', environment: 'dev' }, { teams: ['team-b', 'team-a'] })).toBe(true);
    });

    it('refuses a deployment of another team', () => {
      expect(isTeamMember.apply({ team: 'team-c', environment: 'dev' }, { teams: ['team-a', 'team-b'] })).toBe(false);
    });

    it('refuses everything for an empty team list', () => {
      expect(isTeamMember.apply({ team: 'team-a', environment: 'dev' }, { teams: [] })).toBe(false);
    });
  });

  describe('toQuery', () => {
    it('becomes a filter on the team property', () => {
      expect(isTeamMember.toQuery({ teams: ['team-a', 'team-b'] })).toEqual({
        property: 'team',
        values: ['team-a', 'team-b'],
      });
    });
  });

  it('rejects params without a team list', () => {
    const result = isTeamMember.paramsSchema!['~standard'].validate({ teams: 'team-a' });
    expect('issues' in result && result.issues?.[0]?.path).toEqual(['teams']);
  });
});
