import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { KubernetesTestServer } from '@nestor/test-utils';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { unavailableDependency } from '../resilience/unavailableDependency';
import { KubernetesClusters } from './KubernetesClusters';

// No Kubernetes cluster runs here: these tests use the in-process API server
// of @nestor/test-utils, which implements the API semantics the client uses.
describe('KubernetesClusters', () => {
  let server: KubernetesTestServer;

  beforeEach(async () => {
    server = await KubernetesTestServer.start({ token: 'sa-token' });
    server.registerResource({ group: 'example.org', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, statusSubresource: true });
  });
  afterEach(() => server.stop());

  function clusters() {
    return KubernetesClusters.create({
      clusters: [{ name: 'dev', url: server.url, serviceAccountToken: 'sa-token', skipTLSVerify: true }],
    });
  }

  it('server-side applies objects as the nestor field manager, creating their namespace first', async () => {
    const api = clusters().forEnvironment('dev')!;
    const [applied] = await api.apply([
      { apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a-dev' }, spec: { size: 'small' } },
    ]);
    expect(applied.metadata.namespace).toBe('team-a-dev');
    expect(server.getObject('v1', 'Namespace', 'team-a-dev')).toBeDefined();
    const stored = server.getObject('example.org/v1', 'Widget', 'w1', 'team-a-dev')!;
    expect(stored.spec).toEqual({ size: 'small' });
    expect(stored.metadata.managedFields.map((m: any) => `${m.manager}/${m.operation}`)).toEqual(['nestor/Apply']);
    expect(server.requests.filter(r => r.method === 'PATCH').every(r => r.contentType === 'application/apply-patch+yaml')).toBe(true);

    // applying again is idempotent
    await api.apply([{ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a-dev' }, spec: { size: 'small' } }]);
    expect(server.getObject('example.org/v1', 'Widget', 'w1', 'team-a-dev')!.metadata.generation).toBe(1);
  });

  it('reads and deletes objects, with undefined and false for missing ones', async () => {
    const api = clusters().get('dev')!;
    const ref = { apiVersion: 'example.org/v1', kind: 'Widget', name: 'w1', namespace: 'default' };
    expect(await api.get(ref)).toBeUndefined();
    // a kind the server does not serve (yet) has no objects
    expect(await api.get({ ...ref, apiVersion: 'later.example.org/v1', kind: 'Later' })).toBeUndefined();
    expect(await api.get({ ...ref, kind: 'Gadget' })).toBeUndefined();
    await api.apply([{ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' } }]);
    expect((await api.get(ref))?.metadata.name).toBe('w1');
    expect(await api.delete(ref)).toBe(true);
    expect(await api.delete(ref)).toBe(false);
  });

  it('makes server errors and unknown kinds transient, and client errors not', async () => {
    const api = clusters().get('dev')!;
    server.injectFailure({ method: 'PATCH', status: 503 });
    const unavailable = await api.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }]).catch(e => e);
    expect(unavailable).toBeInstanceOf(TransientEngineError);
    expect(unavailable.message).toContain('HTTP 503');

    const unknownKind = await api.apply([{ apiVersion: 'nope.example.org/v1', kind: 'Nope', metadata: { name: 'n' } }]).catch(e => e);
    expect(unknownKind).toBeInstanceOf(TransientEngineError);

    server.injectFailure({ method: 'PATCH', status: 403 });
    const forbidden = await api.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }]).catch(e => e);
    expect(forbidden).not.toBeInstanceOf(TransientEngineError);
    expect(forbidden.statusCode).toBe(403);
  });

  it('picks the cluster named after the environment, or the only one', async () => {
    const one = clusters();
    expect(one.forEnvironment('prod')?.cluster).toBe('dev');
    const two = KubernetesClusters.create({
      clusters: [
        { name: 'dev', url: server.url, skipTLSVerify: true },
        { name: 'prod', url: server.url, skipTLSVerify: true },
      ],
    });
    expect(two.forEnvironment('prod')?.cluster).toBe('prod');
    expect(two.forEnvironment('staging')).toBeUndefined();
    expect(() => KubernetesClusters.create({ clusters: [{ name: 'a', url: server.url }, { name: 'a', url: server.url }] })).toThrow(
      'the name "a" is used twice',
    );
  });

  it('reports clusters it cannot reach', async () => {
    const c = KubernetesClusters.create({
      clusters: [
        { name: 'dev', url: server.url, serviceAccountToken: 'sa-token', skipTLSVerify: true },
        { name: 'gone', url: 'http://127.0.0.1:1', skipTLSVerify: true },
      ],
    });
    const down = await c.unreachable();
    expect(down.map(d => d.name)).toEqual(['gone']);
  });

  it('opens a cluster\'s circuit after repeated server errors, refuses calls while it is open, then half-opens and closes once the API server answers', async () => {
    const breakers = CircuitBreakers.create({ settings: { failureThreshold: 2, halfOpenAfterMs: 300 } });
    const c = KubernetesClusters.create({
      clusters: [{ name: 'dev', url: server.url, serviceAccountToken: 'sa-token', skipTLSVerify: true }],
      breakers,
    });
    const api = c.get('dev')!;
    const dev = { system: 'kubernetes' as const, target: 'dev' };
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'default' };

    // a 4xx says nothing about the server's health
    server.injectFailure({ method: 'GET', status: 403, times: 3 });
    for (let i = 0; i < 3; i++) expect((await api.get(ref).catch(e => e)).statusCode).toBe(403);
    expect(breakers.state(dev)).toBe('closed');

    server.injectFailure({ status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const failed = await api.get(ref).catch(e => e);
      expect(failed).toBeInstanceOf(TransientEngineError);
      expect(failed.message).toContain('HTTP 503');
      expect(unavailableDependency(failed)?.dependency).toEqual(dev);
    }
    expect(breakers.state(dev)).toBe('open');

    const before = server.requests.length;
    const refused = await api.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }]).catch(e => e);
    expect(refused).toBeInstanceOf(TransientEngineError);
    expect(refused.message).toContain('circuit open');
    expect(unavailableDependency(refused)).toEqual({ dependency: dev, retryAfterMs: expect.any(Number) });
    expect(server.requests.length).toBe(before);
    expect(await c.unreachable()).toEqual([{ name: 'dev', message: expect.stringContaining('circuit open') }]);
    expect(await breakers.health()).toEqual({ status: 'degraded', message: expect.stringContaining('cluster dev: open until') });

    await new Promise(r => setTimeout(r, 350));
    // the readiness ping is the test call that closes the circuit
    expect(await c.unreachable()).toEqual([]);
    expect(breakers.statuses()).toEqual([
      expect.objectContaining({
        system: 'kubernetes',
        target: 'dev',
        state: 'closed',
        lastFailure: expect.stringContaining('503'),
        transitions: [expect.objectContaining({ state: 'open' }), expect.objectContaining({ state: 'half-open' }), expect.objectContaining({ state: 'closed' })],
      }),
    ]);
    expect(await breakers.health()).toBeUndefined();
  });

  it('counts an API server that refuses connections as down', async () => {
    const breakers = CircuitBreakers.create({ settings: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    const c = KubernetesClusters.create({ clusters: [{ name: 'gone', url: 'http://127.0.0.1:1', skipTLSVerify: true }], breakers });
    const first = await c.unreachable();
    expect(first).toEqual([{ name: 'gone', message: expect.not.stringContaining('circuit open') }]);
    await c.unreachable();
    expect(breakers.state({ system: 'kubernetes', target: 'gone' })).toBe('open');
    expect((await c.unreachable())[0].message).toContain('circuit open');
  });

  it('abandons calls to an API server that holds them without an answer, as failures', async () => {
    const breakers = CircuitBreakers.create({ settings: { failureThreshold: 2, halfOpenAfterMs: 60_000, callTimeoutMs: 200 } });
    const c = KubernetesClusters.create({
      clusters: [{ name: 'dev', url: server.url, serviceAccountToken: 'sa-token', skipTLSVerify: true }],
      breakers,
    });
    const hold = server.holdRequests(() => true);
    const started = Date.now();
    expect(await c.unreachable()).toEqual([{ name: 'dev', message: expect.stringContaining('cluster dev did not answer within 200 ms') }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(hold.held()).toBe(1);
    await c.unreachable();
    expect(breakers.state({ system: 'kubernetes', target: 'dev' })).toBe('open');
    hold.release();
  });
});
