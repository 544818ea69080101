import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { KubernetesTestServer } from '@nestor/test-utils';
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
});
