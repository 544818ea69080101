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
import { useSameRealmFetch } from './__testUtils__/useSameRealmFetch';
import { pollUntil } from '@nestor/test-utils';

jest.setTimeout(120_000);

useSameRealmFetch();

const BOB = mockCredentials.user.header(USERS.bob);
const ALICE = mockCredentials.user.header(USERS.alice);

describe("Nestor's actions in the real scaffolder", () => {
  let stack: Awaited<ReturnType<typeof startNestorStack>>;

  beforeAll(async () => {
    stack = await startNestorStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const template = (name: string) =>
    pollUntil(
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
    const deployments = await request(stack.server)
      .get('/api/nestor/deployments?team=team-payments')
      .set('Authorization', BOB);
    expect(deployments.status).toBe(200);
    expect(deployments.body.items.map((d: any) => d.name)).not.toContain(
      'orders-api',
    );
  });

  it('fails the dry run of an order Nestor would refuse, naming each check and field', async () => {
    // the form offers the item's environments; Nestor knows that checkout has no staging
    const res = await dryRun(
      'postgres-database',
      {
        team: 'group:default/team-checkout',
        environment: 'staging',
        name: 'basket-db',
        settings: { size: 'small' },
        dependency_network_vpc: 'team-platform/staging/no-such-vpc',
        otherDependencies: [],
      },
      mockCredentials.user.header(USERS.carol),
    );
    expect(res.status).toBe(400);
    const message: string = res.body.error.message;
    expect(message).toMatch(
      /^Nestor would refuse team-checkout\/staging\/basket-db:\n/,
    );
    expect(message).toContain(
      '\n  - schema: environment: team team-checkout has environments dev, prod, not staging',
    );
    expect(message).toMatch(
      /\n {2}- dependencies: dependsOn: .*team-platform\/staging\/no-such-vpc.* \(MISSING_TARGET\)/,
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

  const runTask = async (
    templateRef: string,
    values: Record<string, unknown>,
    auth = BOB,
  ) => {
    const created = await request(stack.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', auth)
      .send({ templateRef, values });
    expect(created.status).toBe(201);
    const task = await pollUntil(
      async () =>
        (
          await request(stack.server)
            .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
            .set('Authorization', auth)
        ).body,
      (t: any) => ['completed', 'failed', 'cancelled'].includes(t.status),
      `task ${created.body.id} of ${templateRef}`,
    );
    const events = (
      await request(stack.server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', auth)
    ).body as any[];
    const log = events
      .filter(e => e.type === 'log')
      .map(e => stripVTControlCharacters(String(e.body.message)));
    const completion = events.find(e => e.type === 'completion');
    return { task, log, completion };
  };
  const catalogEntity = (kind: string, name: string) =>
    pollUntil(
      async () =>
        request(stack.server)
          .get(`/api/catalog/entities/by-name/${kind}/default/${name}`)
          .set('Authorization', BOB),
      res => res.status === 200,
      `${kind}:default/${name} in the catalog`,
    ).then(res => res.body as Entity);
  const relationsOf = (entity: Entity) =>
    (entity.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();

  it('runs the generated template of an item for real: the deployment is ordered and shows in the catalog', async () => {
    // the platform team's VPC, ordered through its own generated template
    const vpc = await runTask(
      'template:default/network-vpc',
      {
        team: 'group:default/team-platform',
        environment: 'dev',
        name: 'main-vpc',
        settings: { region: 'eu-west-1', cidrBlock: '10.0.0.0/16' },
        otherDependencies: [],
      },
      ALICE,
    );
    expect(vpc.task.status).toBe('completed');
    expect(
      vpc.log.some(l =>
        l.includes('Nestor accepted team-platform/dev/main-vpc'),
      ),
    ).toBe(true);

    // the VPC reaches the catalog through Nestor's events; its entity is what the pickers offer
    await catalogEntity('resource', 'team-platform.dev.main-vpc');

    // payments orders a database in it, picking the VPC's entity as the generated form offers
    const db = await runTask('template:default/postgres-database', {
      team: 'group:default/team-payments',
      environment: 'dev',
      name: 'ledger-db',
      settings: { size: 'medium', storageGb: 100 },
      dependency_network_vpc: 'resource:default/team-platform.dev.main-vpc',
      otherDependencies: [],
    });
    expect({ status: db.task.status, log: db.log }).toMatchObject({
      status: 'completed',
    });
    expect(db.completion.body.message).toMatch(/completed/i);

    // the deployments reach the catalog through Nestor's events, with the cross-team dependency
    const entity = await catalogEntity(
      'resource',
      'team-payments.dev.ledger-db',
    );
    expect(entity.spec).toMatchObject({
      type: 'database.postgresql',
      owner: 'group:default/team-payments',
      dependsOn: ['resource:default/team-platform.dev.main-vpc'],
    });
    expect(relationsOf(entity)).toEqual([
      'dependsOn resource:default/team-platform.dev.main-vpc',
      'ownedBy group:default/team-payments',
    ]);
    const vpcEntity = await pollUntil(
      () => catalogEntity('resource', 'team-platform.dev.main-vpc'),
      e =>
        relationsOf(e).includes(
          'dependencyOf resource:default/team-payments.dev.ledger-db',
        ),
      'the VPC entity to show who depends on it',
    );
    expect(relationsOf(vpcEntity)).toEqual([
      'dependencyOf resource:default/team-payments.dev.ledger-db',
      'ownedBy group:default/team-platform',
    ]);
    // and its phase follows Nestor's events
    await pollUntil(
      () => catalogEntity('resource', 'team-payments.dev.ledger-db'),
      e => e.metadata.annotations?.['nestor.io/phase'] === 'Ready',
      'ledger-db to be Ready in the catalog',
    );
  });

  it('runs the hand-written template of the examples: a database and a service depending on it', async () => {
    const values = {
      team: 'group:default/team-payments',
      environment: 'dev',
      vpc: 'main-vpc',
      databaseName: 'orders-db',
      databaseSize: 'small',
      storageGb: 50,
      highAvailability: false,
      serviceName: 'orders-api',
      image: 'ghcr.io/acme/orders:1.8.2',
      replicas: 2,
      exposure: 'internal',
    };
    const run = await runTask(
      'template:default/order-database-and-service',
      values,
    );
    expect(run.task.status).toBe('completed');
    const service = await catalogEntity(
      'resource',
      'team-payments.dev.orders-api',
    );
    expect(service.spec).toMatchObject({
      type: 'workload.web-service',
      dependsOn: ['resource:default/team-payments.dev.orders-db'],
    });
    expect(run.log.join('\n')).toContain(
      'Nestor accepted team-payments/dev/orders-api',
    );
  });

  it("fails the task naming the field when a parameter fails the item's schema", async () => {
    // the hand-written form does not repeat the item's image pattern: Nestor checks it
    const run = await runTask('template:default/order-database-and-service', {
      team: 'group:default/team-payments',
      environment: 'dev',
      vpc: 'main-vpc',
      databaseName: 'billing-db',
      databaseSize: 'small',
      serviceName: 'billing-api',
      image: 'not an image',
    });
    expect(run.task.status).toBe('failed');
    const failure = [...run.log, JSON.stringify(run.completion.body)].join(
      '\n',
    );
    expect(failure).toMatch(
      /Nestor refused to order team-payments\/dev\/billing-api \(400 InputError\)/,
    );
    expect(failure).toMatch(/parameters\.image/);
  });

  it('takes a torn-down deployment out of the catalog, and its dependency relation with it', async () => {
    const ledger = await catalogEntity(
      'resource',
      'team-payments.dev.ledger-db',
    );
    const id = ledger.metadata.annotations!['nestor.io/deployment-id'];
    const res = await request(stack.server)
      .delete(`/api/nestor/deployments/${id}`)
      .set('Authorization', BOB);
    expect(res.status).toBe(202);
    await pollUntil(
      async () =>
        (
          await request(stack.server)
            .get(
              '/api/catalog/entities/by-name/resource/default/team-payments.dev.ledger-db',
            )
            .set('Authorization', BOB)
        ).status,
      status => status === 404,
      'ledger-db to leave the catalog',
    );
    const vpc = await pollUntil(
      () => catalogEntity('resource', 'team-platform.dev.main-vpc'),
      e =>
        !relationsOf(e).includes(
          'dependencyOf resource:default/team-payments.dev.ledger-db',
        ),
      'the VPC to lose its dependent',
    );
    expect(relationsOf(vpc)).not.toContain(
      'dependencyOf resource:default/team-payments.dev.ledger-db',
    );
  });
});
