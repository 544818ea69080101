import { mockCredentials } from '@backstage/backend-test-utils';
import { createActionContext } from '../../__testUtils__/createActionContext';
import {
  startNestorBackend,
  USERS,
} from '../../__testUtils__/startNestorBackend';
import { createGetCatalogItemAction } from './get';

jest.setTimeout(60_000);

describe('nestor:catalog:get', () => {
  let nestor: Awaited<ReturnType<typeof startNestorBackend>>;

  beforeAll(async () => {
    nestor = await startNestorBackend();
  });

  afterAll(async () => {
    await nestor?.stop();
  });

  const run = (input: { name: string; version?: string }) => {
    const action = createGetCatalogItemAction({ clients: nestor.clients });
    const context = createActionContext({
      input,
      credentials: mockCredentials.user(USERS.carol),
    });
    return action.handler(context.ctx as any).then(() => context);
  };

  it("fails naming the item and Nestor's answer when the item does not exist", async () => {
    await expect(run({ name: 'no-such-item' })).rejects.toThrow(
      /Nestor refused to read buffet item no-such-item \(404 NotFoundError\)/,
    );
  });

  it('fails naming the version that does not exist', async () => {
    await expect(
      run({ name: 'postgres-database', version: '9.9.9' }),
    ).rejects.toThrow(
      /read buffet item postgres-database@9\.9\.9 \(404 NotFoundError\)/,
    );
  });

  it('logs what it read', async () => {
    const { logs } = await run({ name: 'network-vpc' });
    expect(logs).toEqual([
      'info: network-vpc 1.2.0 (network.vpc, test), owned by team-platform',
    ]);
  });
});
