import { mockCredentials } from '@backstage/backend-test-utils';
import { createActionContext } from '../../__testUtils__/createActionContext';
import { exampleInputs } from '../../__testUtils__/exampleInputs';
import {
  startNestorBackend,
  USERS,
} from '../../__testUtils__/startNestorBackend';
import { createValidateDependenciesAction } from './validate';
import { examples } from './validate.examples';

jest.setTimeout(60_000);

describe('nestor:dependencies:validate examples, run against a real Nestor backend', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    nestor = await startNestorBackend({ vpcs: ['dev'] });
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  const [together, reportOnly] = exampleInputs(
    examples,
    'nestor:dependencies:validate',
  );
  const run = async (input: any, user: string) => {
    const action = createValidateDependenciesAction({
      clients: nestor.clients,
      catalog: nestor.catalog,
    });
    const context = createActionContext({
      input,
      credentials: mockCredentials.user(user),
    });
    await action.handler(context.ctx as any);
    return context;
  };

  it.each([together])('%s', async (_description, [input]) => {
    const { outputs, logs } = await run(input, USERS.bob);
    expect(outputs.valid).toBe(true);
    expect(outputs.errors).toEqual([]);
    const order = outputs.order as string[][];
    const wave = (ref: string) => order.findIndex(w => w.includes(ref));
    expect(wave('team-payments/dev/orders-db')).toBeGreaterThanOrEqual(0);
    expect(wave('team-payments/dev/orders-api')).toBeGreaterThan(
      wave('team-payments/dev/orders-db'),
    );
    expect(logs[0]).toMatch(/^info: wave 1: /);
  });

  it.each([reportOnly])('%s', async (_description, [input]) => {
    const { outputs, logs } = await run(input, USERS.carol);
    expect(outputs.valid).toBe(false);
    expect(outputs.errors).toEqual([
      {
        code: 'MISSING_TARGET',
        message: expect.stringContaining('team-platform/dev/no-such-vpc'),
        refs: ['team-checkout/dev/basket-db', 'team-platform/dev/no-such-vpc'],
      },
      // the VPC named does not exist, so the database has no network at all
      {
        code: 'MISSING_REQUIRED_TYPE',
        message: expect.stringContaining('requires a network.vpc deployment'),
        refs: ['team-checkout/dev/basket-db'],
      },
    ]);
    expect(logs).toContainEqual(
      expect.stringMatching(/^warn: MISSING_TARGET: /),
    );
  });
});
