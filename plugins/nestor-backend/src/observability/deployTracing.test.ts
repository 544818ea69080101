/*
 * The spans of a GitOps deploy, kept by an in-memory exporter: each
 * coordinator step is a `nestor.deploy.<phase>` span; the Git fetch and push
 * of the commit are client spans under `nestor.deploy.Rendering`, the Argo CD
 * calls client spans under `nestor.deploy.Syncing`, and every request to
 * Argo CD carries the W3C `traceparent` of its span. OpenTelemetry is set up
 * as the Node SDK of `instrumentation.js` would (AsyncLocalStorage context,
 * W3C propagator), with a real Git server and the Argo CD test server.
 */
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ArgoCdTestServer } from '@nestor/test-utils';
import { ArgoCdApps } from '../services/gitops/argocd/ArgoCdApps';
import { CircuitBreakers } from '../services/resilience/CircuitBreakers';
import {
  DeploymentHarness,
  startDeploymentHarness,
  testCaller,
  testRequest,
} from '../services/deployments/__testUtils__/startDeploymentHarness';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(
  new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }),
);

describe('the spans of a GitOps deploy', () => {
  let h: DeploymentHarness;
  let argo: ArgoCdTestServer;
  afterEach(async () => {
    await h?.stop();
    await argo?.stop();
  });

  it('nest the Git and Argo CD client spans under the deploy phases, and send traceparent to Argo CD', async () => {
    argo = await ArgoCdTestServer.start({ token: 'argo-token' });
    argo.autoComplete = true;
    const breakers = CircuitBreakers.create();
    h = await startDeploymentHarness({
      databases,
      databaseId: 'SQLITE_3',
      breakers,
      argocd: ArgoCdApps.create({
        instances: [{ name: 'main', url: argo.url, token: 'argo-token' }],
        clientOptions: { breakers, backoffMs: 1, retries: 1 },
      }),
    });
    h.coordinator('replica-1');
    const { deployment } = await h.service.submit({
      caller: testCaller(),
      request: testRequest(),
    });
    // Argo CD reports the app synced at the commit only once it has one
    await h.waitFor('the sync request', async () =>
      argo.requests.find(r => r.path.endsWith('/sync')),
    );
    const committed = (await h.store.deployments.get(deployment.id))!;
    argo.setStatus('nestor-team-a-dev', {
      sync: 'Synced',
      health: 'Healthy',
      revision: committed.revisions[0].delivery!.commit,
    });
    await h.waitFor(
      'Ready',
      async () =>
        (await h.store.deployments.get(deployment.id))?.phase === 'Ready',
    );

    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map(s => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) =>
      s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined;
    const phaseSpans = spans.filter(
      s =>
        s.name.startsWith('nestor.deploy.') &&
        s.attributes['nestor.deployment.ref'] === deployment.ref,
    );
    expect(new Set(phaseSpans.map(s => s.name))).toEqual(
      new Set([
        'nestor.deploy.Pending',
        'nestor.deploy.Validating',
        'nestor.deploy.Rendering',
        'nestor.deploy.Committed',
        'nestor.deploy.Syncing',
      ]),
    );

    const git = spans.filter(s => s.name.startsWith('nestor.git.'));
    expect(new Set(git.map(s => s.name))).toEqual(
      new Set(['nestor.git.fetch', 'nestor.git.push']),
    );
    for (const span of git) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'nestor.dependency.system': 'git',
        'nestor.dependency.target': new URL(h.git.baseUrl).host,
        'nestor.git.branch': 'main',
      });
      expect(parentOf(span)?.name).toBe('nestor.deploy.Rendering');
      expect(span.spanContext().traceId).toBe(
        parentOf(span)!.spanContext().traceId,
      );
    }

    const argocd = spans.filter(s => s.name.startsWith('nestor.argocd.'));
    expect(argocd.map(s => s.name)).toEqual(
      expect.arrayContaining([
        'nestor.argocd.get-application',
        'nestor.argocd.upsert-application',
        'nestor.argocd.sync',
      ]),
    );
    for (const span of argocd) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['nestor.dependency.target']).toBe('main');
      expect(parentOf(span)?.name).toBe('nestor.deploy.Syncing');
    }

    // every request Argo CD received names the span that made it
    const argocdSpanIds = new Set(argocd.map(s => s.spanContext().spanId));
    expect(argo.requests.length).toBeGreaterThanOrEqual(argocd.length);
    for (const r of argo.requests) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(
        String(r.headers.traceparent),
      );
      expect(match).not.toBeNull();
      expect(argocdSpanIds.has(match![2])).toBe(true);
      expect(byId.get(match![2])!.spanContext().traceId).toBe(match![1]);
    }
    const sync = argocd.find(s => s.name === 'nestor.argocd.sync')!;
    expect(
      argo.requests.find(r => r.path.endsWith('/sync'))!.headers.traceparent,
    ).toBe(`00-${sync.spanContext().traceId}-${sync.spanContext().spanId}-01`);
  });
});
