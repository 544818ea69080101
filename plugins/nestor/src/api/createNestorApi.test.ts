import { createNestorApi } from './createNestorApi';

describe('createNestorApi', () => {
  it('finds the backend through discovery and sends every request through the fetch API', async () => {
    const discoveryApi = {
      getBaseUrl: jest.fn(async () => 'http://backstage.example/api/nestor'),
    };
    const fetch = jest.fn(
      async () =>
        new Response(JSON.stringify({ items: [], nextCursor: undefined }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const api = createNestorApi({
      discoveryApi,
      fetchApi: { fetch: fetch as any },
    });

    await expect(
      api.listDeployments({ team: 'team-payments', phase: 'Ready' }),
    ).resolves.toEqual({ items: [] });
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('nestor');
    expect(fetch).toHaveBeenCalledWith(
      'http://backstage.example/api/nestor/deployments?team=team-payments&phase=Ready',
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('turns an error answer into a ResponseError with its status', async () => {
    const api = createNestorApi({
      discoveryApi: {
        getBaseUrl: async () => 'http://backstage.example/api/nestor',
      },
      fetchApi: {
        fetch: (async () =>
          new Response(
            JSON.stringify({
              error: { name: 'NotAllowedError', message: 'no' },
              request: { method: 'GET', url: '/teams/x/quotas' },
              response: { statusCode: 403 },
            }),
            { status: 403, headers: { 'Content-Type': 'application/json' } },
          )) as any,
      },
    });
    await expect(api.getTeamQuotas('x')).rejects.toMatchObject({
      statusCode: 403,
      cause: { message: 'no' },
    });
  });
});
