/*
 * Nestor's actions in the real scaffolder: `startTestBackend` with the
 * catalog (Template kind, Nestor's entity provider, the hand-written
 * example template), the scaffolder with this module, and the Nestor
 * plugin with the `test` engine on a buffet made of the examples' items.
 * Templates are run through the scaffolder's HTTP API as a user would:
 * dry runs through `/v2/dry-run`, real runs through `/v2/tasks`.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { stripVTControlCharacters } from 'node:util';
import request from 'supertest';
import { startNestorStack } from './__testUtils__/startNestorStack';
import { USERS } from './__testUtils__/startNestorBackend';
import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(120_000);

const BOB = mockCredentials.user.header(USERS.bob);

describe("Nestor's actions in the real scaffolder", () => {
  let stack: Awaited<ReturnType<typeof startNestorStack>>;

  beforeAll(async () => {
    stack = await startNestorStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const template = (name: string) =>
    waitFor(
      async () =>
        (
          await request(stack.server)
            .get(`/api/catalog/entities/by-name/template/default/${name}`)
            .set('Authorization', BOB)
        ).body,
      (body: Entity) => body?.kind === 'Template',
      `the Template ${name}`,
    );
  const dryRun = async (
    name: string,
    values: Record<string, unknown>,
    auth = BOB,
  ) =>
    request(stack.server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', auth)
      .send({
        template: await template(name),
        values,
        secrets: {},
        directoryContents: [],
      });
  // the task log colours the level: drop the colour codes and the level
  const logOf = (body: any): string[] =>
    body.log.map((l: any) =>
      stripVTControlCharacters(String(l.body.message ?? '')).replace(
        /^(info|warn|error): /,
        '',
      ),
    );

  it('lists the three actions with their input schemas and examples', async () => {
    const res = await request(stack.server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', BOB);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      res.body
        .filter((a: any) => a.id.startsWith('nestor:'))
        .map((a: any) => [a.id, a]),
    );
    expect(Object.keys(byId).sort()).toEqual([
      'nestor:catalog:get',
      'nestor:dependencies:validate',
      'nestor:deploy',
    ]);
    const deploy = byId['nestor:deploy'];
    expect(deploy.schema.input.required.sort()).toEqual([
      'environment',
      'name',
      'resource',
      'team',
    ]);
    expect(Object.keys(deploy.schema.output.properties).sort()).toEqual([
      'deploymentId',
      'outputs',
      'phase',
      'ref',
      'url',
    ]);
    expect(deploy.schema.input.properties.team.description).toMatch(/Team id/);
    expect(deploy.examples).toHaveLength(2);
  });

  it("dry-runs the generated template of an item: Nestor's verdict is asked, nothing is ordered", async () => {
    const res = await dryRun('web-service', {
      team: 'group:default/team-payments',
      environment: 'dev',
      name: 'orders-api',
      settings: { image: 'ghcr.io/acme/orders:1.8.2', replicas: 2 },
      otherDependencies: [],
    });
    expect(res.status).toBe(200);
    const log = logOf(res.body);
    expect(log).toEqual(
      expect.arrayContaining([
        'schema: allowed',
        'Dry run: Nestor would accept team-payments/dev/orders-api; nothing was ordered',
      ]),
    );
    expect(res.body.output.text[0].content).toContain(
      'team-payments/dev/orders-api',
    );
  });

  it('fails the dry run of an order Nestor would refuse, naming the check and the field', async () => {
    // the form offers the item's environments; Nestor knows that checkout has no staging
    const res = await dryRun(
      'postgres-database',
      {
        team: 'group:default/team-checkout',
        environment: 'staging',
        name: 'basket-db',
        settings: { size: 'small' },
        dependency_network_vpc: 'team-platform/staging/main-vpc',
        otherDependencies: [],
      },
      mockCredentials.user.header(USERS.carol),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Nestor would refuse team-checkout\/staging\/basket-db:\n {2}- schema: environment: team team-checkout has environments dev, prod, not staging/,
    );
  });

  it("refuses, before any step, values that do not fit the form generated from the item's schema", async () => {
    const values = {
      team: 'group:default/team-payments',
      environment: 'dev',
      name: 'orders-db',
      settings: { size: 'huge', storageGb: 10 },
      dependency_network_vpc: 'resource:default/team-platform.dev.main-vpc',
    };
    const res = await dryRun('postgres-database', values);
    expect(res.status).toBe(400);
    expect(
      res.body.errors.map((e: any) => `${e.path.join('.')}: ${e.message}`),
    ).toEqual([
      'settings.size: is not one of enum values: small,medium,large',
      'settings.storageGb: must be greater than or equal to 20',
    ]);
    const wrongEnvironment = await dryRun('postgres-database', {
      ...values,
      environment: 'qa',
    });
    expect(
      wrongEnvironment.body.errors.map(
        (e: any) => `${e.path.join('.')}: ${e.message}`,
      ),
    ).toEqual(['environment: is not one of enum values: dev,staging,prod']);
  });
});
