/*
 * The provider in a real catalog: `startTestBackend` with the catalog
 * backend, the scaffolder entity model (the Template kind), this module and
 * the real Nestor backend (with its Helm engine) reading a local buffet
 * folder. Nestor is reached through discovery with the catalog's own service
 * token, mapped to every team in `nestor.serviceAccess`; events flow over
 * Nestor's SSE stream. Deployments in the catalog are tested where they are
 * ordered: the scaffolder module's `module.test.ts` runs this provider too.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
// the real Nestor backend is what the provider talks to in these tests
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import nestorPlugin from '@nestor/plugin-nestor-backend';
import nestorModuleHelm from '@nestor/plugin-nestor-backend-module-helm';
import { pollUntil, resourceDefinitionYaml } from '@nestor/test-utils';
import http from 'node:http';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { perPluginDatabases } from './__testUtils__/perPluginDatabases';
import catalogModuleNestorEntityProvider from './index';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const USER = mockCredentials.user.header('user:default/alice');

describe('the Nestor entity provider in a real catalog', () => {
  let buffet: string;
  let server: http.Server;
  let stop: () => Promise<void>;
  const dbs = perPluginDatabases(databases);

  const entities = async (filter: string): Promise<Entity[]> => {
    const res = await request(server)
      .get(`/api/catalog/entities?filter=${encodeURIComponent(filter)}`)
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    return res.body;
  };
  const nestorEntities = () => entities('metadata.tags=nestor');
  const names = (list: Entity[]) =>
    list
      .map(e => `${e.kind.toLocaleLowerCase('en-US')}:${e.metadata.name}`)
      .sort();
  const sync = async () => {
    const res = await request(server)
      .post('/api/nestor/catalog/sources/buffet/sync')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:test'),
          targetPluginId: 'nestor',
        }),
      );
    expect(res.status).toBe(202);
  };
  const processingErrors = async () => {
    const knex = await dbs.client('catalog');
    const rows = await knex('refresh_state').select('entity_ref', 'errors');
    return rows
      .filter(r => r.errors && r.errors !== '[]')
      .map(r => ({ ref: r.entity_ref, errors: JSON.parse(r.errors) }));
  };

  beforeAll(async () => {
    buffet = await fs.mkdtemp(path.join(os.tmpdir(), 'nestor-provider-'));
    await fs.mkdir(path.join(buffet, 'resources'));
    await fs.writeFile(
      path.join(buffet, 'resources', 'network-vpc.yaml'),
      resourceDefinitionYaml('network-vpc', {
        title: 'Network (VPC)',
        type: 'network.vpc',
        tags: ['network', 'aws'],
      }),
    );
    await fs.writeFile(
      path.join(buffet, 'resources', 'postgres-database.yaml'),
      resourceDefinitionYaml('postgres-database', {
        title: 'PostgreSQL database',
        version: '1.4.0',
        tags: ['database', 'sql'],
        requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
      }),
    );
    await fs.writeFile(
      path.join(buffet, 'resources', 'ledger-api.yaml'),
      resourceDefinitionYaml('ledger-api', {
        owner: 'team-payments',
        type: 'api.ledger',
        visibility: ['team-checkout'],
      }),
    );
    // an item that offers an interface: published as an API entity
    const events = parse(
      resourceDefinitionYaml('ledger-events', {
        owner: 'team-payments',
        type: 'messaging.stream',
      }),
    );
    events.metadata.annotations = {
      'nestor.io/api-type': 'asyncapi',
      'nestor.io/api-definition':
        'asyncapi: 2.6.0\ninfo: { title: Ledger events, version: 1.0.0 }\nchannels: {}\n',
    };
    await fs.writeFile(
      path.join(buffet, 'resources', 'ledger-events.yaml'),
      stringify(events),
    );

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleNestorEntityProvider,
        nestorPlugin,
        // the buffet's items use Helm: Nestor keeps only items an installed engine accepts
        nestorModuleHelm,
        dbs.factory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: { providers: { nestor: { batchDelayMs: 50 } } },
            nestor: {
              sources: [{ id: 'buffet', path: buffet }],
              serviceAccess: [{ subject: 'plugin:catalog', teams: ['*'] }],
              events: { heartbeat: { seconds: 1 } },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await dbs.destroy();
    if (buffet) await fs.rm(buffet, { recursive: true, force: true });
  });

  it('publishes every buffet item and its Template, with no processing errors', async () => {
    // an entity the catalog refuses never shows: stop at the first processing error and show it
    const { list, errors } = await pollUntil(
      async () => ({
        list: await nestorEntities(),
        errors: await processingErrors(),
      }),
      v => v.list.length === 8 || v.errors.length > 0,
      'eight entities from Nestor',
    );
    expect(errors).toEqual([]);
    expect(names(list)).toEqual([
      'api:ledger-events',
      'resource:ledger-api',
      'resource:network-vpc',
      'resource:postgres-database',
      'template:ledger-api',
      'template:ledger-events',
      'template:network-vpc',
      'template:postgres-database',
    ]);
    for (const entity of list) {
      expect((entity as any).status?.items ?? []).toEqual([]);
    }
  });

  it('relates items and Templates to the teams that own them, whatever their visibility', async () => {
    const list = await nestorEntities();
    const relations = (kind: string, name: string) =>
      list
        .find(e => e.kind === kind && e.metadata.name === name)!
        .relations!.map(r => `${r.type} ${r.targetRef}`);
    expect(relations('Resource', 'postgres-database')).toEqual([
      'ownedBy group:default/team-platform',
    ]);
    expect(relations('Template', 'postgres-database')).toEqual([
      'ownedBy group:default/team-platform',
    ]);
    // ledger-api is visible to team-checkout only: the catalog's service principal sees it all
    expect(relations('Resource', 'ledger-api')).toEqual([
      'ownedBy group:default/team-payments',
    ]);
    expect(relations('API', 'ledger-events')).toEqual([
      'ownedBy group:default/team-payments',
    ]);
  });

  it('annotates and links an item back to Nestor and to its Template', async () => {
    const [pg] = await entities(
      'kind=resource,metadata.name=postgres-database',
    );
    expect(pg.metadata.annotations).toMatchObject({
      'nestor.io/resource-name': 'postgres-database',
      'nestor.io/resource-version': '1.4.0',
      'nestor.io/template': 'template:default/postgres-database',
      'backstage.io/managed-by-location': 'nestor:catalog/postgres-database',
    });
    // a local folder has no web page: no "view source" link, and none made up from the location
    expect(pg.metadata.annotations).not.toHaveProperty('backstage.io/view-url');
    expect(pg.metadata.links).toEqual([
      {
        url: 'http://localhost:3000/nestor/buffet/postgres-database',
        title: 'Open in Nestor',
        icon: 'dashboard',
      },
      {
        url: 'http://localhost:3000/create/templates/default/postgres-database',
        title: 'Order',
        icon: 'add',
      },
    ]);
    const [template] = await entities(
      'kind=template,metadata.name=postgres-database',
    );
    expect((template.spec as any).steps[0].input).toMatchObject({
      resource: 'postgres-database',
      version: '^1.4.0',
    });
  });

  it("follows a changed item through Nestor's events: the Template is regenerated", async () => {
    await fs.writeFile(
      path.join(buffet, 'resources', 'postgres-database.yaml'),
      resourceDefinitionYaml('postgres-database', {
        title: 'PostgreSQL database',
        version: '1.5.0',
        requires: [{ type: 'network.vpc', version: '>=1.0.0 <2.0.0' }],
        parameters: {
          type: 'object',
          properties: {
            size: { type: 'string', enum: ['small', 'large'] },
            replicas: { type: 'integer' },
          },
        },
      }),
    );
    await sync();
    const [template] = await pollUntil(
      () => entities('kind=template,metadata.name=postgres-database'),
      l =>
        l[0]?.metadata.annotations?.['nestor.io/resource-version'] === '1.5.0',
      'the Template of postgres-database 1.5.0',
    );
    const settings = (template.spec as any).parameters[1].properties.settings;
    expect(Object.keys(settings.properties)).toEqual(['size', 'replicas']);
    expect(await processingErrors()).toEqual([]);
  });

  it('removes an item that left the buffet, with its Template', async () => {
    await fs.rm(path.join(buffet, 'resources', 'network-vpc.yaml'));
    await sync();
    const list = await pollUntil(
      nestorEntities,
      l => l.length === 6,
      'network-vpc to leave the catalog',
    );
    expect(names(list)).toEqual([
      'api:ledger-events',
      'resource:ledger-api',
      'resource:postgres-database',
      'template:ledger-api',
      'template:ledger-events',
      'template:postgres-database',
    ]);
  });
});
