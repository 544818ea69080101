import {
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  postgresDefinition,
  testContext,
  testItem,
} from './__testUtils__/fixtures';
import { buffetItemEntity } from './buffetItemEntity';

describe('buffetItemEntity', () => {
  it('publishes an item as a Resource owned by its team, with tags, links and annotations', async () => {
    const entity = buffetItemEntity(
      testItem(postgresDefinition(), { line: 4 }),
      testContext(),
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'postgres-database',
        namespace: 'nestor',
        title: 'PostgreSQL database',
        description: 'Managed PostgreSQL with daily backups',
        tags: ['database', 'sql', 'nestor'],
        links: [
          {
            url: 'https://backstage.acme.example/nestor/buffet/postgres-database',
            title: 'Open in Nestor',
            icon: 'dashboard',
          },
          {
            url: 'https://github.com/acme/buffet/blob/0123456789abcdef0123456789abcdef01234567/resources/postgres-database.yaml#L4',
            title: 'Definition in Git',
            icon: 'code',
            type: 'source',
          },
          {
            url: 'https://backstage.acme.example/create/templates/nestor/postgres-database',
            title: 'Order',
            icon: 'add',
          },
        ],
        annotations: {
          'backstage.io/managed-by-location':
            'nestor:catalog/postgres-database',
          'backstage.io/managed-by-origin-location':
            'nestor:catalog/postgres-database',
          'backstage.io/view-url':
            'https://github.com/acme/buffet/blob/0123456789abcdef0123456789abcdef01234567/resources/postgres-database.yaml#L4',
          'nestor.io/resource-name': 'postgres-database',
          'nestor.io/resource-version': '1.4.0',
          'nestor.io/resource-type': 'database.postgresql',
          'nestor.io/engine': 'helm',
          'nestor.io/source':
            'platform:resources/postgres-database.yaml@0123456789abcdef0123456789abcdef01234567',
          'nestor.io/template': 'template:nestor/postgres-database',
        },
      },
      spec: {
        type: 'nestor-buffet-item',
        owner: 'group:default/team-platform',
      },
    });
    expect(await resourceEntityV1alpha1Validator.check(entity)).toBe(true);
  });

  it('has no app links without an app URL, and no Git link for a local folder', () => {
    const entity = buffetItemEntity(
      testItem(postgresDefinition(), { url: 'file:../../examples' }),
      testContext({ appBaseUrl: undefined, nestorAppUrl: undefined }),
    );
    expect(entity.metadata.links).toEqual([]);
    expect(entity.metadata.annotations).not.toHaveProperty(
      'backstage.io/view-url',
    );
  });

  it('publishes an item that declares an API type and definition as an API', async () => {
    const definition = postgresDefinition();
    definition.metadata.annotations = {
      'nestor.io/api-type': 'openapi',
      'nestor.io/api-definition':
        'openapi: 3.0.0\ninfo: { title: Orders, version: 1.0.0 }\npaths: {}\n',
      'nestor.io/api-lifecycle': 'experimental',
    };
    const entity = buffetItemEntity(testItem(definition), testContext());
    expect(entity.kind).toBe('API');
    expect(entity.spec).toEqual({
      type: 'openapi',
      lifecycle: 'experimental',
      owner: 'group:default/team-platform',
      definition:
        'openapi: 3.0.0\ninfo: { title: Orders, version: 1.0.0 }\npaths: {}\n',
    });
    expect(await apiEntityV1alpha1Validator.check(entity)).toBe(true);
  });

  it("passes the definition's own annotations through, except invalid and reserved ones, and says what it left out", () => {
    const definition = postgresDefinition();
    definition.metadata.annotations = {
      'backstage.io/techdocs-ref':
        'url:https://github.com/acme/buffet/tree/main/docs/postgres',
      'backstage.io/managed-by-location': 'url:https://evil.example/',
      'nestor.io/resource-name': 'something-else',
      'nestor.io/api-type': 'openapi',
      'not a key!': 'x',
    };
    const dropped: string[] = [];
    const entity = buffetItemEntity(
      testItem(definition),
      testContext({ onDropped: m => dropped.push(m) }),
    );
    expect(entity.kind).toBe('Resource');
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/techdocs-ref':
        'url:https://github.com/acme/buffet/tree/main/docs/postgres',
      'backstage.io/managed-by-location': 'nestor:catalog/postgres-database',
      'nestor.io/resource-name': 'postgres-database',
    });
    expect(entity.metadata.annotations).not.toHaveProperty('not a key!');
    expect(dropped).toEqual([
      'buffet item postgres-database: annotation "not a key!" is not a valid catalog annotation; left out',
      'buffet item postgres-database: an API entity needs both nestor.io/api-type and nestor.io/api-definition; published as a Resource',
    ]);
  });
});
