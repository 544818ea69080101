/*
 * The roadmap's first success criterion, end to end: a buffet item in a real
 * Git repository → catalog sync → POST /deploy → the claim committed to the
 * team's GitOps repository (real Git over `git http-backend`) → Ready once
 * the cluster reports the claim ready → every event seen, in order, by an
 * SSE subscriber (the NestorClient). The backend is the real Nestor plugin
 * with the Crossplane module, in startTestBackend on a real database.
 *
 * What does not run here, and what stands in for it: no Kubernetes cluster
 * (the in-process API server of @nestor/test-utils, with the upstream
 * Crossplane CRDs), no Argo CD and no Crossplane (the test applies the
 * committed files and sets the claim's conditions, as they would). The
 * drift monitor's scheduled task runs when the test triggers it through
 * Backstage's mock scheduler.
 */
import { AddressInfo } from 'node:net';
import http from 'node:http';
import { ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { Deployment, NestorClient } from '@nestor/plugin-nestor-common';
import {
  CrdSchemaValidator,
  EngineScenario,
  EventRecorder,
  NestorTestBackend,
  TEST_USER,
  findUpstreamDir,
  startNestorTestBackend,
  waitFor,
  waitForPhase,
} from '@nestor/test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { crdsForXrd } from '../__fixtures__/crdsForXrd';
import nestorModuleCrossplane from '../index';
import { CLAIM_REF, markClaimReady, startCrossplaneScenario, syncLikeArgoCd } from './__testUtils__/CrossplaneScenario';

jest.setTimeout(120_000);

// OpenTelemetry as packages/backend/src/instrumentation.js sets it up, with a
// Prometheus endpoint we scrape over HTTP and spans kept in memory. Registered
// before the backend starts, so the plugin's meters and tracers are real.
const prometheus = new PrometheusExporter({ preventServerStart: true });
const spans = new InMemorySpanExporter();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));

async function scrapePrometheus(): Promise<string> {
  const metricsServer = http.createServer((req, res) => prometheus.getMetricsRequestHandler(req, res));
  await new Promise<void>(resolve => metricsServer.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`);
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    await new Promise(resolve => metricsServer.close(resolve));
  }
}

/** The value of one Prometheus sample whose labels include all of `labels`, or 0. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text
    .split('\n')
    .find(l => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('Deployment end to end with the Crossplane engine and GitOps delivery', () => {
  let scenario: EngineScenario;
  let backend: NestorTestBackend;
  let server: http.Server;
  let client: NestorClient;
  // Backstage's MockSchedulerService (typed as SchedulerService): its factory() installs this instance
  const scheduler = mockServices.scheduler() as ReturnType<typeof mockServices.scheduler> & { factory(): ServiceFactory };

  beforeAll(async () => {
    scenario = await startCrossplaneScenario();
    backend = await startNestorTestBackend(scenario, {
      features: [scheduler.factory(), nestorPlugin, nestorModuleCrossplane, catalogServiceMock.factory()],
    });
    server = backend.server;
    client = backend.client();
  });

  afterAll(async () => {
    await backend?.stop();
    await scenario?.stop();
  });

  let metricsBeforeDeploy = '';

  it('delivers an order from POST /deploy to Ready, with every event in order', async () => {
    // the catalog was synced from Git at start-up
    const item = await waitFor('the buffet item', async () => client.getCatalogItem('postgres-database').catch(() => undefined));
    expect(item.source).toMatchObject({ id: 'platform', path: 'buffet/postgres-database.yaml' });
    // items the installed engines cannot serve are sync errors with their file and line, not items (and not a crash)
    const [source] = (await client.listCatalogSources()).items;
    expect(source.errors).toEqual([
      { path: 'buffet/not-installed.yaml', line: 1, message: 'ResourceDefinition "pulumi-stack": spec.engine: engine "pulumi" is not installed (installed: crossplane)' },
      {
        path: 'buffet/untyped.yaml',
        line: 1,
        message: expect.stringMatching(/^ResourceDefinition "untyped-bucket": spec\.parameters\.properties\.anything: every field needs a type/),
      },
    ]);
    expect((await client.listCatalog()).items.map(i => i.name)).toEqual(['postgres-database']);
    expect((await client.listEngines()).items).toEqual([
      expect.objectContaining({ name: 'crossplane', capabilities: { delivery: ['gitops', 'direct'], outputs: true, drift: true }, health: expect.objectContaining({ status: 'ok' }) }),
    ]);

    const events = await EventRecorder.start(client, { team: 'team-payments' });
    metricsBeforeDeploy = await scrapePrometheus();

    const accepted = await request(server)
      .post('/api/nestor/deploy')
      .set('Authorization', `Bearer ${backend.token()}`)
      .set('Idempotency-Key', 'orders-db-1')
      .send({ team: 'team-payments', environment: 'dev', name: 'orders-db', resource: 'postgres-database', version: '^1.4.0', parameters: { size: 'medium' } });
    expect(accepted.status).toBe(202);
    const id = (accepted.body as Deployment).id;

    // committed to the team's GitOps repository, and the platform files to the owner's
    const committed = await waitFor('the claim commit', async () => {
      const files = await scenario.readRepo('payments-infra', 'clusters/dev/orders-db');
      return files.has('claim.yaml') ? files : undefined;
    });
    const claim = YAML.parse(committed.get('claim.yaml')!);
    expect(claim).toMatchObject({
      apiVersion: 'platform.example.org/v1alpha1',
      kind: 'PostgresDatabase',
      metadata: { name: 'orders-db', namespace: 'team-payments-dev', annotations: { 'nestor.io/ref': 'team-payments/dev/orders-db', 'nestor.io/deployment-id': id } },
      // defaults applied; `backups` has none of its own, so its nested defaults stay unset
      spec: { parameters: { size: 'medium', storageGb: 20, version: '16' } },
    });
    const [subject] = await scenario.commitSubjects('payments-infra');
    expect(subject).toBe(`nestor: deploy team-payments/dev/orders-db (revision 1) by ${TEST_USER}`);
    const platform = await scenario.readRepo('platform-infra', 'clusters/_platform/postgres-database');
    expect([...platform.keys()].sort()).toEqual(['composition.yaml', 'definition.yaml']);

    // every committed manifest validates: the XRD and Composition against the upstream CRDs, the claim against its XRD
    const xrd = YAML.parse(platform.get('definition.yaml')!);
    expect(CrdSchemaValidator.fromCrd(crdsForXrd(xrd)[1]).validate(claim)).toEqual([]);
    const upstream = findUpstreamDir();
    const crd = (file: string) => YAML.parse(fs.readFileSync(path.join(upstream!, 'crossplane', file), 'utf8'));
    // without ../shared/upstream (warned about by the scenario) only the claim is checked
    const upstreamViolations = upstream
      ? [
          ...CrdSchemaValidator.fromCrd(crd('apiextensions.crossplane.io_compositeresourcedefinitions.yaml'), 'v1').validate(xrd),
          ...CrdSchemaValidator.fromCrd(crd('apiextensions.crossplane.io_compositions.yaml'), 'v1').validate(YAML.parse(platform.get('composition.yaml')!)),
        ]
      : [];
    expect(upstreamViolations).toEqual([]);

    // Nestor waits in Syncing until the cluster has the claim and Crossplane reports it ready
    await waitFor('Syncing', async () => ((await client.getDeployment(id)).phase === 'Syncing' ? true : undefined));
    // before Argo CD syncs, the claim (and even its kind) is not in the cluster: Nestor keeps waiting, no retries burnt
    await new Promise(r => setTimeout(r, 600));
    const beforeSync = await client.getDeployment(id);
    expect(beforeSync).toMatchObject({ phase: 'Syncing', attempts: 0 });
    expect(beforeSync.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Synced', status: 'Unknown', reason: 'NotFound' })]));
    await syncLikeArgoCd(scenario);
    const waiting = await waitFor('the claim conditions read back', async () => {
      const d = await client.getDeployment(id);
      return d.conditions.some(c => c.type === 'Synced') ? d : undefined;
    });
    expect(waiting.phase).toBe('Syncing');
    markClaimReady(scenario);
    const ready = await waitForPhase(client, id, 'Ready');
    expect(ready.outputs).toEqual({
      host: 'orders-db.payments.internal',
      port: 5432,
      password: { secretRef: { name: 'orders-db-connection', namespace: CLAIM_REF.namespace, key: 'password' } },
    });
    expect(ready.conditions.map(c => `${c.type}=${c.status}`)).toEqual(expect.arrayContaining(['Synced=True', 'Ready=True']));
    expect(ready.revisions[0].delivery).toMatchObject({ mode: 'gitops', repo: scenario.git.url('payments-infra'), path: 'clusters/dev/orders-db' });

    // the SSE subscriber saw it all, in order
    await events.waitFor('deployment.completed', 'team-payments/dev/orders-db');
    events.close();
    expect(events.timeline('team-payments/dev/orders-db')).toEqual([
      'deployment.created',
      'phase Validating',
      'phase Rendering',
      'gitops.committed publish',
      'gitops.committed deploy',
      'phase Committed',
      'phase Syncing',
      'phase Ready',
      'deployment.completed',
    ]);
    const ids = events.events.map(e => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('moves the Prometheus counters and records spans for the deploy', async () => {
    const after = await scrapePrometheus();
    const labels = { engine: 'crossplane', team: 'team-payments' };
    for (const phase of ['Validating', 'Rendering', 'Committed', 'Syncing', 'Ready']) {
      const name = 'nestor_deployments_phase_transitions_total';
      expect({ phase, before: sample(metricsBeforeDeploy, name, { ...labels, phase }) }).toEqual({ phase, before: 0 });
      expect({ phase, after: sample(after, name, { ...labels, phase }) }).toEqual({ phase, after: 1 });
    }
    expect(sample(after, 'nestor_engine_call_duration_count', { engine: 'crossplane', operation: 'render' })).toBeGreaterThanOrEqual(1);

    const finished = spans.getFinishedSpans();
    const names = new Set(finished.map(s => s.name));
    for (const name of ['nestor.catalog.sync', 'nestor.deploy.Validating', 'nestor.deploy.Rendering', 'nestor.engine.render']) {
      expect({ name, recorded: names.has(name) }).toEqual({ name, recorded: true });
    }
    const rendering = finished.find(s => s.name === 'nestor.deploy.Rendering')!;
    expect(rendering.attributes).toMatchObject({ 'nestor.deployment.ref': 'team-payments/dev/orders-db', 'nestor.engine': 'crossplane' });
    // the engine call is a child of the phase span (W3C context carried through the coordinator)
    const render = finished.find(s => s.name === 'nestor.engine.render' && s.spanContext().traceId === rendering.spanContext().traceId);
    expect(render).toBeDefined();
    expect(render!.parentSpanContext?.spanId ?? (render as any).parentSpanId).toBe(rendering.spanContext().spanId);
  });

  it('reports drift once Crossplane says the Ready claim is no longer synced, and clears it once it is again (status path of the drift monitor)', async () => {
    const ref = 'team-payments/dev/orders-db';
    const { items } = await client.listDeployments({ team: 'team-payments' });
    const ready = items.find(d => d.ref === ref)!;
    expect(ready.phase).toBe('Ready');
    const events = await EventRecorder.start(client, { team: 'team-payments' });
    const checkDrift = () => scheduler.triggerTask('nestor-drift-check');
    await checkDrift();
    expect((await client.getDeployment(ready.id)).version).toBe(ready.version);

    // someone changed the database outside Git: Crossplane cannot reconcile it any more
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    scenario.kubernetes.patchStatus(
      CLAIM_REF,
      {
        conditions: [
          { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'cannot update the database: size was changed outside Crossplane', lastTransitionTime: now },
          { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now },
        ],
      },
      'crossplane',
    );
    await checkDrift();
    const drifted = await client.getDeployment(ready.id);
    expect(drifted.phase).toBe('Ready');
    expect(drifted.history).toEqual(ready.history);
    expect(drifted.conditions.find(c => c.type === 'Drifted')).toMatchObject({
      status: 'True',
      reason: 'DriftDetected',
      message: 'the engine reports Syncing: Synced=False (ReconcileError: cannot update the database: size was changed outside Crossplane); Ready=True (Available)',
    });
    const event = await events.waitFor('deployment.phase', ref);
    expect(event.payload).toMatchObject({ from: 'Ready', to: 'Ready', reason: 'DriftDetected', drift: { drifted: true, details: 'Synced=False (ReconcileError)' } });

    markClaimReady(scenario);
    await checkDrift();
    expect((await client.getDeployment(ready.id)).conditions.find(c => c.type === 'Drifted')).toMatchObject({ status: 'False', reason: 'DriftResolved' });
    await waitFor('the DriftResolved event', async () => (events.events.some(e => (e.payload as { reason?: string }).reason === 'DriftResolved') ? true : undefined));
    events.close();
    expect(events.timeline(ref)).toEqual(['phase Ready', 'phase Ready']);

    // counted as drift checks, not as phase transitions
    const after = await scrapePrometheus();
    expect(sample(after, 'nestor_deployments_drift_checks_total', { engine: 'crossplane', team: 'team-payments', outcome: 'drifted' })).toBe(1);
    expect(sample(after, 'nestor_deployments_drift_checks_total', { engine: 'crossplane', team: 'team-payments', outcome: 'in-sync' })).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'nestor_deployments_phase_transitions_total', { engine: 'crossplane', team: 'team-payments', phase: 'Ready' })).toBe(1);
  });
});
