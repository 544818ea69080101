import { mockCredentials } from '@backstage/backend-test-utils';
import { createActionContext } from '../../__testUtils__/createActionContext';
import { deploymentEntityOf } from '../../__testUtils__/deploymentEntityOf';
import {
  startNestorBackend,
  USERS,
} from '../../__testUtils__/startNestorBackend';
import { createValidateDependenciesAction } from './validate';

jest.setTimeout(60_000);

describe('nestor:dependencies:validate', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    nestor = await startNestorBackend({
      entities: [
        deploymentEntityOf('team-platform/dev/main-vpc', 'network.vpc'),
      ],
      vpcs: ['dev'],
    });
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  const run = async (input: any) => {
    const action = createValidateDependenciesAction({
      clients: nestor.clients,
      catalog: nestor.catalog,
    });
    const context = createActionContext({
      input,
      credentials: mockCredentials.user(USERS.carol),
    });
    await action.handler(context.ctx as any);
    return context;
  };
  const basketDb = {
    team: 'team-checkout',
    environment: 'dev',
    name: 'basket-db',
    resource: 'postgres-database',
  };

  it('fails the step on dependency problems by default, listing each', async () => {
    await expect(
      run({
        requests: [{ ...basketDb, dependsOn: ['team-checkout/dev/basket-db'] }],
      }),
    ).rejects.toThrow(
      /^Nestor found dependency problems:\n {2}- SELF_DEPENDENCY: .*\n {2}- MISSING_REQUIRED_TYPE: /,
    );
  });

  it('takes a dependency picked in the catalog as the deployment it stands for', async () => {
    const { outputs } = await run({
      requests: [
        {
          ...basketDb,
          dependsOn: [['resource:default/team-platform.dev.main-vpc']],
        },
      ],
    });
    expect(outputs).toEqual({
      valid: true,
      errors: [],
      order: expect.arrayContaining([['team-checkout/dev/basket-db']]),
    });
  });

  it('fails naming the fields of a request Nestor cannot read', async () => {
    await expect(
      run({ requests: [{ ...basketDb, name: 'Basket_DB' }] }),
    ).rejects.toThrow(
      /^Nestor refused to check the dependencies \(400 InputError\): .*requests\.0\.name/s,
    );
  });
});
