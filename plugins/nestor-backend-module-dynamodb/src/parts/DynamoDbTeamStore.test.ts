import { QuotaReservation } from '@nestor/plugin-nestor-node';
import { loseFirstAnswer } from '../__testUtils__/loseAnswer';
import { startDynalite, TestDynalite } from '../__testUtils__/startDynalite';

let dynalite: TestDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.stop();
});

const reservation: QuotaReservation = {
  team: 'team-a',
  environment: 'dev',
  resourceType: 'database.postgresql',
  monthlyCost: 100,
  limits: { maxDeployments: 5 },
};

const isQuotaUpdate =
  (expression: string) =>
  (request: {
    operation: string;
    attribute(n: string): string | undefined;
    input: Record<string, any>;
  }) =>
    request.operation === 'UpdateItem' &&
    Boolean(request.attribute('SK')?.startsWith('QUOTA#')) &&
    Boolean(request.input.UpdateExpression?.startsWith(expression));

describe('DynamoDbTeamStore quotas', () => {
  it('counts a reservation once when its answer was lost and the call retried', async () => {
    const client = dynalite.client();
    const lost = loseFirstAnswer(client, isQuotaUpdate('ADD'));
    const store = await dynalite.createStore({
      client,
      retry: { baseDelayMs: 1 },
    });

    expect(await store.teams.reserveQuota(reservation)).toEqual({ ok: true });
    expect(lost()).toBe(1);
    const [env] = await store.teams.getQuotaUsage('team-a');
    expect(env).toEqual({
      team: 'team-a',
      environment: 'dev',
      scope: '*',
      deployments: 1,
      monthlyCost: 100,
    });
    // the retry's token was confirmed and cleared: later reservations go on counting
    expect(await store.teams.reserveQuota(reservation)).toEqual({ ok: true });
    expect((await store.teams.getQuotaUsage('team-a'))[0].deployments).toBe(2);
    await store.close();
  });

  it('gives back a release once when its answer was lost and the call retried', async () => {
    const client = dynalite.client();
    const lost = loseFirstAnswer(client, isQuotaUpdate('SET'));
    const store = await dynalite.createStore({
      client,
      retry: { baseDelayMs: 1 },
    });
    await store.teams.reserveQuota(reservation);
    await store.teams.reserveQuota(reservation);

    await store.teams.releaseQuota(reservation);
    expect(lost()).toBe(1);
    const rows = await store.teams.getQuotaUsage('team-a');
    expect(rows.map(r => [r.scope, r.deployments, r.monthlyCost])).toEqual([
      ['*', 1, 100],
      ['database.postgresql', 1, 100],
    ]);
    await store.close();
  });
});
