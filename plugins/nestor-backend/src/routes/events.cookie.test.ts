import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { NestorClient, NestorEvent } from '@nestor/plugin-nestor-common';
import { nestorPlugin } from '../plugin';
import { controllableFetch, openEventSource, teamEvent, waitFor } from '../services/events/__testUtils__/sseTestClients';
import { createTestEventSourceModule } from '../services/events/__testUtils__/testEventSourceModule';

jest.setTimeout(60_000);

/*
 * Browsers follow events with the user cookie (`allow: 'user-cookie'` on
 * /events). Minting a real user cookie needs a sign-in through the auth
 * backend, so this suite uses Backstage's mock auth services, which accept the
 * mock limited-user cookie and enforce the same auth policies.
 */
const groups: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const userEntityRef = (credentials.principal as { userEntityRef: string }).userEntityRef;
      return { userEntityRef, ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])] };
    },
  }),
});

describe('GET /events with the user cookie', () => {
  let baseUrl: string;
  const { module, source } = createTestEventSourceModule();
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        nestorPlugin,
        module,
        userInfoFactory,
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        mockServices.rootConfig.factory({ data: { nestor: { events: { heartbeat: { seconds: 1 }, retryMs: 100 } } } }),
      ],
    });
    baseUrl = `http://localhost:${backend.server.port()}/api/nestor`;
  });

  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  function withCookie(user: string) {
    const cookie = mockCredentials.limitedUser.cookie(user);
    return (url: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('Cookie', cookie);
      return fetch(url, { ...init, headers });
    };
  }

  it("streams each user's team events and global ones, read with the eventsource package", async () => {
    const anonymous = openEventSource(`${baseUrl}/events`, controllableFetch().fetch as never);
    closers.push(anonymous.close);
    // the eventsource package does not send cookies itself; a browser would
    const aliceEs = openEventSource(`${baseUrl}/events`, withCookie('user:default/alice') as never);
    const bobEs = openEventSource(`${baseUrl}/events`, withCookie('user:default/bob') as never);
    closers.push(aliceEs.close, bobEs.close);
    await Promise.all([aliceEs.opened(), bobEs.opened()]);
    await waitFor(() => anonymous.errors.length > 0, 'the cookie-less stream to fail');
    expect(anonymous.errors[0].code).toBe(401);

    await source.publish([teamEvent('team-a', 1), teamEvent('team-b', 2), teamEvent(null, 3)]);
    await waitFor(() => aliceEs.events.length === 2 && bobEs.events.length === 2, 'both users');
    const payloads = (events: NestorEvent[]) => events.map(e => (e.payload as { i: number }).i);
    expect(payloads(aliceEs.events)).toEqual([1, 3]);
    expect(payloads(bobEs.events)).toEqual([2, 3]);
  });

  it('serves NestorClient in browser mode (a fetch that carries the cookie), filtered by types', async () => {
    const got: NestorEvent[] = [];
    let opened = false;
    const client = new NestorClient({ baseUrl, fetchApi: { fetch: withCookie('user:default/alice') } });
    const sub = client.subscribe({ types: ['deployment.failed'] }, e => got.push(e), {
      onOpen: () => {
        opened = true;
      },
    });
    closers.push(() => sub.close());
    await waitFor(() => opened, 'the subscription to open');
    await source.publish([
      teamEvent('team-a', 1),
      teamEvent('team-a', 2, { type: 'deployment.failed' }),
      teamEvent('team-b', 3, { type: 'deployment.failed' }),
      teamEvent('team-a', 4, { type: 'deployment.failed' }),
    ]);
    await waitFor(() => got.length === 2, 'two failures of team-a');
    expect(got.map(e => (e.payload as { i: number }).i)).toEqual([2, 4]);
  });

  it('accepts the cookie only on /events', async () => {
    const res = await withCookie('user:default/alice')(`${baseUrl}/engines`);
    expect(res.status).toBe(401);
  });
});
