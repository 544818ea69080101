import { mockServices } from '@backstage/backend-test-utils';
import { z } from 'zod';
import { readEngineConfig } from './readEngineConfig';

const schema = z
  .object({
    mode: z.enum(['argocd', 'flux']).default('argocd'),
    interval: z.string().default('10m'),
  })
  .strict();

describe('readEngineConfig', () => {
  it('applies defaults when the block is absent', () => {
    const config = mockServices.rootConfig({ data: {} });
    expect(readEngineConfig(config, 'helm', schema)).toEqual({ mode: 'argocd', interval: '10m' });
  });

  it('reads the block of its engine', () => {
    const config = mockServices.rootConfig({ data: { nestor: { engines: { helm: { mode: 'flux' }, pulumi: { mode: 'x' } } } } });
    expect(readEngineConfig(config, 'helm', schema)).toEqual({ mode: 'flux', interval: '10m' });
  });

  it('names every bad field with its full key', () => {
    const config = mockServices.rootConfig({ data: { nestor: { engines: { helm: { mode: 'kustomize', extra: 1 } } } } });
    expect(() => readEngineConfig(config, 'helm', schema)).toThrow(
      'Invalid configuration of the helm engine:\n' +
        'nestor.engines.helm.mode: Invalid option: expected one of "argocd"|"flux"\n' +
        'nestor.engines.helm: unknown field(s): extra',
    );
  });
});
