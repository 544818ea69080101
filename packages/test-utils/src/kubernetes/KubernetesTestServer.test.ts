import { KubeConfig, KubernetesObjectApi, PatchStrategy, Watch } from '@kubernetes/client-node';
import { KubernetesTestServer } from './KubernetesTestServer';

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.org' },
  spec: {
    group: 'example.org',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'string', enum: ['small', 'large'] }, replicas: { type: 'integer', minimum: 1 } },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

function widget(name: string, spec: Record<string, unknown> = { size: 'small' }) {
  return { apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name, namespace: 'team-a' }, spec };
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error: any) {
    return error.code ?? error.statusCode ?? error.response?.statusCode;
  }
}

describe('KubernetesTestServer', () => {
  let server: KubernetesTestServer;
  let api: KubernetesObjectApi;
  let kc: KubeConfig;

  beforeEach(async () => {
    server = await KubernetesTestServer.start({ token: 'secret-token' });
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'c', cluster: 'test', user: 'u' }],
      currentContext: 'c',
    });
    api = KubernetesObjectApi.makeApiClient(kc);
    server.installCrd(widgetCrd);
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  });

  afterEach(() => server.stop());

  it('serves custom resources once their CRD is created, and validates them against its schema', async () => {
    const created: any = await api.create(widget('w1'));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.generation).toBe(1);
    const read = await api.read({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a' } });
    expect((read as any).spec).toEqual({ size: 'small' });

    const invalid = await api.create(widget('w2', { size: 'huge', replicas: 0, colour: 'red' })).catch(e => e);
    expect(invalid.code).toBe(422);
    const body = JSON.parse(invalid.body);
    expect(body.details.causes.map((c: any) => c.field).sort()).toEqual(['spec.colour', 'spec.replicas', 'spec.size']);
  });

  it('answers 401 without the bearer token, and 404 for a namespace that does not exist', async () => {
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({
      clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'c', cluster: 'test', user: 'u' }],
      currentContext: 'c',
    });
    expect(await statusOf(KubernetesObjectApi.makeApiClient(anonymous).list('v1', 'Namespace'))).toBe(401);
    const missing = await api.create({ ...widget('w1'), metadata: { name: 'w1', namespace: 'nope' } }).catch(e => e);
    expect(missing.code).toBe(404);
    expect(JSON.parse(missing.body).message).toBe('namespaces "nope" not found');
  });

  it('refuses a replace with a stale resourceVersion, and a second create of the same name', async () => {
    const created = await api.create(widget('w1'));
    await api.replace({ ...created, spec: { size: 'large' } });
    expect(await statusOf(api.replace({ ...created, spec: { size: 'small' } }))).toBe(409);
    expect(await statusOf(api.create(widget('w1')))).toBe(409);
    const read: any = await api.read(widget('w1'));
    expect(read.spec.size).toBe('large');
    expect(read.metadata.generation).toBe(2);
  });

  it('keeps status apart: spec writes cannot change it, status writes cannot change spec', async () => {
    await api.create({ ...widget('w1'), status: { ready: true } } as any);
    expect((server.getObject('example.org/v1', 'Widget', 'w1', 'team-a') as any).status).toBeUndefined();
    server.patchStatus({ apiVersion: 'example.org/v1', kind: 'Widget', name: 'w1', namespace: 'team-a' }, { ready: true });
    const read: any = await api.read(widget('w1'));
    await api.replace({ ...read, spec: { size: 'large' }, status: { ready: false } });
    const after: any = server.getObject('example.org/v1', 'Widget', 'w1', 'team-a');
    expect(after.status).toEqual({ ready: true });
    expect(after.spec.size).toBe('large');
    expect(after.metadata.generation).toBe(2);
  });

  it('implements server-side apply: create, update, field ownership conflicts and force', async () => {
    const applied: any = await api.patch(widget('w1', { size: 'small', replicas: 2 }), undefined, undefined, 'nestor', false, PatchStrategy.ServerSideApply);
    expect((applied as any).spec).toEqual({ size: 'small', replicas: 2 });
    expect(applied.metadata?.managedFields?.map((m: any) => [m.manager, m.operation])).toEqual([['nestor', 'Apply']]);

    // the same manager may change its own fields and drop one it no longer sets
    const again: any = await api.patch(widget('w1', { size: 'large' }), undefined, undefined, 'nestor', false, PatchStrategy.ServerSideApply);
    expect(again.spec).toEqual({ size: 'large' });

    // another manager changing an owned field conflicts, unless forced
    const conflict = await api.patch(widget('w1', { size: 'small' }), undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply).catch(e => e);
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).message).toContain('conflict with "nestor": .spec.size');
    const forced: any = await api.patch(widget('w1', { size: 'small' }), undefined, undefined, 'someone-else', true, PatchStrategy.ServerSideApply);
    expect(forced.spec.size).toBe('small');
    expect(server.requests.filter(r => r.contentType === 'application/apply-patch+yaml').length).toBe(4);
  });

  it('streams watch events in order and resumes from a resourceVersion', async () => {
    const events: string[] = [];
    const watch = new Watch(kc);
    const list: any = await api.list('example.org/v1', 'Widget', 'team-a');
    const request = await watch.watch(
      '/apis/example.org/v1/namespaces/team-a/widgets',
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj) => events.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    await api.create(widget('w1'));
    server.patchStatus({ apiVersion: 'example.org/v1', kind: 'Widget', name: 'w1', namespace: 'team-a' }, { ready: true });
    await api.delete(widget('w1'));
    for (let i = 0; i < 50 && events.length < 3; i++) await new Promise(r => setTimeout(r, 20));
    request.abort();
    expect(events).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);

    const replayed: string[] = [];
    const second = await watch.watch(
      '/apis/example.org/v1/namespaces/team-a/widgets',
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj) => replayed.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    for (let i = 0; i < 50 && replayed.length < 3; i++) await new Promise(r => setTimeout(r, 20));
    second.abort();
    expect(replayed).toEqual(events);
  });

  it('holds deletion while finalizers remain, then removes the object', async () => {
    await api.create({ ...widget('w1'), metadata: { name: 'w1', namespace: 'team-a', finalizers: ['example.org/cleanup'] } });
    await api.delete(widget('w1'));
    const pending: any = server.getObject('example.org/v1', 'Widget', 'w1', 'team-a');
    expect(pending.metadata.deletionTimestamp).toBeTruthy();
    server.removeFinalizers({ apiVersion: 'example.org/v1', kind: 'Widget', name: 'w1', namespace: 'team-a' });
    expect(server.getObject('example.org/v1', 'Widget', 'w1', 'team-a')).toBeUndefined();
  });

  it('filters lists by label selector and supports merge and JSON patches', async () => {
    await api.create({ ...widget('a'), metadata: { name: 'a', namespace: 'team-a', labels: { tier: 'db' } } });
    await api.create({ ...widget('b'), metadata: { name: 'b', namespace: 'team-a', labels: { tier: 'web' } } });
    const dbOnly: any = await api.list('example.org/v1', 'Widget', 'team-a', undefined, undefined, undefined, undefined, 'tier=db');
    expect(dbOnly.items.map((i: any) => i.metadata.name)).toEqual(['a']);
    await api.patch({ ...widget('a'), spec: { replicas: 3 } } as any, undefined, undefined, 'x', undefined, PatchStrategy.MergePatch);
    // the object API cannot send JSON patches without the target in the body: use HTTP directly
    const res = await fetch(`${server.url}/apis/example.org/v1/namespaces/team-a/widgets/a`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/spec/size', value: 'large' }]),
    });
    expect(res.status).toBe(200);
    expect((server.getObject('example.org/v1', 'Widget', 'a', 'team-a') as any).spec).toEqual({ size: 'large', replicas: 3 });
  });

  it('fails injected requests with the given status', async () => {
    server.injectFailure({ method: 'GET', path: /widgets/, status: 503, times: 2 });
    expect(await statusOf(api.list('example.org/v1', 'Widget', 'team-a'))).toBe(503);
    expect(await statusOf(api.list('example.org/v1', 'Widget', 'team-a'))).toBe(503);
    expect(await statusOf(api.list('example.org/v1', 'Widget', 'team-a'))).toBe(200);
  });
});
