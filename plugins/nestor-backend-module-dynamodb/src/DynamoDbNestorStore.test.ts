import { mockServices } from '@backstage/backend-test-utils';
import { runNestorStoreContractTests } from '@nestor/plugin-nestor-node/testUtils';
import { DynamoDbNestorStore } from './DynamoDbNestorStore';
import { startDynalite, TestDynalite } from './testing/startDynalite';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

runNestorStoreContractTests('DynamoDB (dynalite)', async () => {
  const store = await DynamoDbNestorStore.create({
    client: dynalite.client(),
    tableName: dynalite.uniqueTableName(),
    createTable: true,
    logger: mockServices.logger.mock(),
  });
  return { store, cleanup: () => store.close() };
});
