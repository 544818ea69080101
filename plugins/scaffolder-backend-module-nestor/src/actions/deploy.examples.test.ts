import { mockCredentials } from '@backstage/backend-test-utils';
import { createActionContext } from '../__testUtils__/createActionContext';
import { deploymentEntityOf } from '../__testUtils__/deploymentEntityOf';
import { exampleInputs } from '../__testUtils__/exampleInputs';
import { startNestorBackend, USERS } from '../__testUtils__/startNestorBackend';
import { createDeployAction } from './deploy';
import { examples } from './deploy.examples';

jest.setTimeout(90_000);

type Example = ReturnType<typeof exampleInputs>[number];

// the catalog entity of the first example's database, which the second example picks
const ordersDbEntity = deploymentEntityOf(
  'team-payments/dev/orders-db',
  'database.postgresql',
);

describe('nestor:deploy examples, run against a real Nestor backend', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    nestor = await startNestorBackend({
      entities: [ordersDbEntity],
      vpcs: ['dev'],
    });
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  const [orderDatabase, orderServiceAndWait] = exampleInputs(
    examples,
    'nestor:deploy',
  );

  /** Runs an example's step as bob; the deployment as Nestor has it after. */
  const runExample = async ([, [input]]: Example) => {
    const action = createDeployAction({
      clients: nestor.clients,
      catalog: nestor.catalog,
    });
    const { ctx, outputs } = createActionContext({
      input,
      credentials: mockCredentials.user(USERS.bob),
    });
    await action.handler(ctx as any);
    const deployment = await nestor
      .as(USERS.bob)
      .getDeployment(outputs.deploymentId as string);
    return { input, outputs, deployment };
  };

  // in order: the second example picks what the first ordered
  it.each([orderDatabase])('%s', async (...example) => {
    const { outputs, deployment } = await runExample(example);
    expect(outputs).toEqual({
      deploymentId: deployment.id,
      ref: 'team-payments/dev/orders-db',
      url: `http://localhost:3000/nestor/deployments/${deployment.id}`,
      phase: 'Pending',
      outputs: {},
    });
    expect(deployment).toMatchObject({
      ref: 'team-payments/dev/orders-db',
      dependsOn: ['team-platform/dev/main-vpc'],
      parameters: expect.objectContaining({ size: 'small', storageGb: 50 }),
    });
  });

  it.each([orderServiceAndWait])('%s', async (...example) => {
    const { outputs, deployment } = await runExample(example);
    expect(outputs).toEqual({
      deploymentId: deployment.id,
      ref: 'team-payments/dev/orders-api',
      url: `http://localhost:3000/nestor/deployments/${deployment.id}`,
      phase: 'Ready',
      outputs: { host: 'orders-api.team-payments-dev.svc', port: 5432 },
    });
    expect(deployment.dependsOn).toEqual(['team-payments/dev/orders-db']);
  });
});
