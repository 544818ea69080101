import { ConfigReader } from '@backstage/config';
import { readEngineConfig } from '@nestor/plugin-nestor-node';
import { terraformEngineConfigSchema } from './terraformEngineConfigSchema';

const read = (terraform: object) =>
  readEngineConfig(
    new ConfigReader({ nestor: { engines: { terraform } } }),
    'terraform',
    terraformEngineConfigSchema,
  );

describe('nestor.engines.terraform', () => {
  it('defaults to local state, the flux-system source and the terraform on the PATH', () => {
    const config = read({});
    expect(config.stateBackend).toEqual({
      type: 'local',
      directory: '.nestor/terraform-state',
    });
    expect(config.gitops).toEqual({
      sourceRef: {
        kind: 'GitRepository',
        name: 'flux-system',
        namespace: 'flux-system',
      },
      interval: '10m',
      approvePlan: 'auto',
    });
    expect(config.direct).toMatchObject({
      binary: 'terraform',
      workingDirectory: '.nestor/terraform',
      lockTimeoutSeconds: 30,
      driftDetection: { enabled: true },
    });
  });

  it('names every bad field in full', () => {
    expect(() =>
      read({
        stateBackend: { type: 's3', bucket: 'b' },
        gitops: { interval: 'often' },
        direct: { lockTimeoutSeconds: -1 },
      }),
    ).toThrow(
      /Invalid configuration of the terraform engine:\n(.*\n)*nestor\.engines\.terraform\.stateBackend\.region: /,
    );
    const error = (() => {
      try {
        read({
          stateBackend: { type: 's3', bucket: 'b' },
          gitops: { interval: 'often' },
          direct: { lockTimeoutSeconds: -1 },
        });
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const field of [
      'stateBackend.region',
      'stateBackend.dynamodbTable',
      'gitops.interval',
      'direct.lockTimeoutSeconds',
    ]) {
      expect(error).toContain(`nestor.engines.terraform.${field}: `);
    }
    expect(() => read({ stateBackend: { type: 'consul' } })).toThrow(
      /nestor\.engines\.terraform\.stateBackend\.type: /,
    );
    expect(() => read({ direct: { workdir: '/tmp' } })).toThrow(
      /nestor\.engines\.terraform\.direct: .*workdir/,
    );
  });
});
