/*
 * 400s the OpenAPI fuzz test (src/reliability/openapiFuzz.test.ts) found
 * without a field: each now names the field and the reason, through the
 * real plugin in startTestBackend.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { nestorPlugin } from '../../plugin';

jest.setTimeout(60_000);

describe('400s for malformed requests name the field and the reason', () => {
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;
  const alice = mockCredentials.user.header('user:default/alice');

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  const error = async (req: request.Test) => {
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    return res.body.error as { message: string; [key: string]: unknown };
  };

  it("a body that is not JSON: the parser's reason, without the body echoed back", async () => {
    const body = `{"team": "team-a", "secret": "${'s'.repeat(500)}"`;
    const e = await error(
      request(server)
        .post('/api/nestor/deploy')
        .set('Authorization', alice)
        .set('Content-Type', 'application/json')
        .send(body),
    );
    expect(e.message).toMatch(/^request body: is not valid JSON \(.+\)$/);
    expect(e.message.length).toBeLessThan(200);
    expect(JSON.stringify(e)).not.toContain('s'.repeat(200));
  });

  it('JSON that is not an object', async () => {
    for (const body of ['null', 'true', '"text"', '42']) {
      const e = await error(
        request(server)
          .post('/api/nestor/validate-dependencies')
          .set('Authorization', alice)
          .set('Content-Type', 'application/json')
          .send(body),
      );
      expect(e.message).toBe('request body: must be a JSON object');
    }
  });

  it('a path with a malformed percent escape', async () => {
    for (const path of [
      '/api/nestor/catalog/%zz',
      '/api/nestor/deployments/%E0%A4%A',
      '/api/nestor/teams/%/quotas',
    ]) {
      const e = await error(
        request(server).get(path).set('Authorization', alice),
      );
      expect(e.message).toMatch(
        /^path: not a valid percent-encoded URL path \(Failed to decode param/,
      );
    }
  });

  it('a path parameter that is not a name, and a cursor this API did not return', async () => {
    expect(
      (
        await error(
          request(server)
            .get('/api/nestor/catalog/Not_A_Name')
            .set('Authorization', alice),
        )
      ).message,
    ).toMatch(/^Invalid path: name: /);
    expect(
      (
        await error(
          request(server)
            .get('/api/nestor/teams/Team_A/quotas')
            .set('Authorization', alice),
        )
      ).message,
    ).toMatch(/^id: /);
    const cursor = await error(
      request(server)
        .get('/api/nestor/catalog?cursor=0')
        .set('Authorization', alice),
    );
    expect(cursor.message).toBe(
      'cursor: "0" is not a cursor this API returned (pass the nextCursor of a previous page)',
    );
  });

  it('an order that is not JSON, and a dry run whose body is not an object', async () => {
    const order = await error(
      request(server)
        .post('/api/nestor/deploy')
        .set('Authorization', alice)
        .set('Content-Type', 'text/plain')
        .send('team=team-a'),
    );
    expect(order.message).toBe(
      'request body: must be a JSON object (Content-Type: application/json)',
    );
    const dryRun = await error(
      request(server)
        .post('/api/nestor/teams/team-a/validate')
        .set('Authorization', alice)
        .set('Content-Type', 'application/json')
        .send('[1]'),
    );
    expect(dryRun.message).toBe(
      'request body: must be a deployment request (a JSON object)',
    );
  });
});
