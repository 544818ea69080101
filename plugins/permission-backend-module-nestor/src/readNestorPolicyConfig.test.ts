import { ConfigReader } from '@backstage/config';
import { readNestorPolicyConfig } from './readNestorPolicyConfig';

describe('readNestorPolicyConfig', () => {
  it('normalizes entity refs and applies defaults', () => {
    const config = new ConfigReader({
      permission: { nestor: { admins: ['platform-admins', 'user:default/root'], environments: [{ environments: ['prod'], allow: ['sre'] }] } },
    });
    expect(readNestorPolicyConfig(config)).toEqual({
      admins: ['group:default/platform-admins', 'user:default/root'],
      environments: [{ environments: ['prod'], allow: ['group:default/sre'], actions: ['create', 'update', 'delete'] }],
      fallback: 'allow',
    });
  });

  it('works without any permission.nestor block', () => {
    expect(readNestorPolicyConfig(new ConfigReader({}))).toEqual({ admins: [], environments: [], fallback: 'allow' });
  });

  it('names every bad key', () => {
    const config = new ConfigReader({
      permission: {
        nestor: {
          fallback: 'maybe',
          environments: [{ environments: [], allow: ['sre'], actions: ['deploy'] }],
          admin: ['x'],
        },
      },
    });
    expect(() => readNestorPolicyConfig(config)).toThrow(
      [
        'Invalid Nestor permission policy configuration:',
        '  - permission.nestor.environments.0.environments: Too small: expected array to have >=1 items',
        '  - permission.nestor.environments.0.actions.0: Invalid option: expected one of "create"|"update"|"delete"|"read"',
        '  - permission.nestor.fallback: Invalid option: expected one of "allow"|"deny"',
        '  - permission.nestor: unknown key(s) admin',
      ].join('\n'),
    );
  });
});
