import { runNestorStoreContractTests } from '@nestor/plugin-nestor-node/testUtils';
import { startDynalite, TestDynalite } from './__testUtils__/startDynalite';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

runNestorStoreContractTests('DynamoDB (dynalite)', async () => {
  const store = await dynalite.createStore();
  return { store, cleanup: () => store.close() };
});
