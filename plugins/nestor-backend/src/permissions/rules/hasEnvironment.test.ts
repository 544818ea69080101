import { hasEnvironment } from './hasEnvironment';

describe('hasEnvironment', () => {
  describe('apply', () => {
    it('matches a deployment in one of the environments', () => {
      expect(hasEnvironment.apply({ team: 'team-a', environment: 'prod' }, { environments: ['staging', 'prod'] })).toBe(true);
    });

    it('does not match another environment', () => {
      expect(hasEnvironment.apply({ team: 'team-a', environment: 'dev' }, { environments: ['prod'] })).toBe(false);
    });
  });

  describe('toQuery', () => {
    it('becomes a filter on the environment property', () => {
      expect(hasEnvironment.toQuery({ environments: ['prod'] })).toEqual({ property: 'environment', values: ['prod'] });
    });
  });
});
