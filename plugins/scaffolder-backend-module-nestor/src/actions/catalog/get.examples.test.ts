import { mockCredentials } from '@backstage/backend-test-utils';
import { createActionContext } from '../../__testUtils__/createActionContext';
import { exampleInputs } from '../../__testUtils__/exampleInputs';
import {
  startNestorBackend,
  USERS,
} from '../../__testUtils__/startNestorBackend';
import { createGetCatalogItemAction } from './get';
import { examples } from './get.examples';

jest.setTimeout(60_000);

describe('nestor:catalog:get examples, run against a real Nestor backend', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    nestor = await startNestorBackend();
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  it.each(exampleInputs(examples, 'nestor:catalog:get'))(
    '%s',
    async (_description, [input]) => {
      const action = createGetCatalogItemAction({ clients: nestor.clients });
      const { ctx, outputs } = createActionContext({
        input,
        credentials: mockCredentials.user(USERS.bob),
      });
      await action.handler(ctx as any);
      expect(outputs).toMatchObject({
        version: '1.4.0',
        type: 'database.postgresql',
        engine: 'test',
        owner: 'team-platform',
        outputs: ['host', 'port', 'databaseName', 'secretName'],
        environments: ['dev', 'staging', 'prod'],
        monthlyCost: 120,
        source: { id: 'buffet', path: 'resources/postgres-database.yaml' },
      });
      expect((outputs.parameters as any).properties.size.enum).toEqual([
        'small',
        'medium',
        'large',
      ]);
      expect((outputs.definition as any).metadata.name).toBe(
        'postgres-database',
      );
    },
  );
});
