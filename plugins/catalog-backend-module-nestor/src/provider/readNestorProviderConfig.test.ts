import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readNestorProviderConfig } from './readNestorProviderConfig';

const read = (nestor: JsonObject) =>
  readNestorProviderConfig(
    new ConfigReader({ catalog: { providers: { nestor } } }),
  );

describe('readNestorProviderConfig', () => {
  it('has a default for every key', () => {
    expect(readNestorProviderConfig(new ConfigReader({}))).toEqual({
      namespace: 'default',
      groupNamespace: 'default',
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
      events: true,
      templates: true,
      deployments: true,
      appPath: '/nestor',
      batchDelayMs: 250,
    });
  });

  it('reads every key', () => {
    const custom = {
      namespace: 'infra',
      groupNamespace: 'org',
      schedule: {
        frequency: { minutes: 5 },
        timeout: { minutes: 2 },
        initialDelay: { seconds: 30 },
      },
      events: false,
      templates: false,
      deployments: false,
      appPath: '/platform/nestor/',
      batchDelayMs: 0,
    };
    // a trailing slash of the path goes
    expect(read(custom)).toEqual({ ...custom, appPath: '/platform/nestor' });
  });

  it('stops the start-up naming every bad key', () => {
    expect(() =>
      read({
        namespace: 'Not A Namespace',
        groupNamespace: 'x'.repeat(64),
        appPath: 'nestor',
        batchDelayMs: -1,
        schedule: { frequency: 'often' },
      }),
    ).toThrow(
      /^Invalid Nestor entity provider configuration: catalog\.providers\.nestor\.namespace: "Not A Namespace" is not a valid entity namespace; catalog\.providers\.nestor\.groupNamespace: .* is not a valid entity namespace; catalog\.providers\.nestor\.appPath: "nestor" must be a path starting with "\/"; catalog\.providers\.nestor\.batchDelayMs: must be 0 or more; catalog\.providers\.nestor\.schedule: /,
    );
  });
});
