/*
 * The Pulumi engine end to end: a buffet item in a real Git repository →
 * catalog sync → POST /deploy → a Program and a Stack committed to the
 * team's GitOps repository (real Git over `git http-backend`) → Ready with
 * the stack's outputs once the cluster reports the Stack ready, or Failed
 * with the operator's message when it stalls → every event seen by an SSE
 * subscriber; deleting the deployment removes the files (Argo CD then
 * prunes the Stack, whose `destroyOnFinalize` destroys the resources). The
 * backend is the real Nestor plugin with the Pulumi module, in
 * startTestBackend.
 *
 * What does not run here, and what stands in for it: no Kubernetes cluster
 * (the in-process API server of @nestor/test-utils, with the upstream Pulumi
 * Kubernetes Operator CRDs, whose schemas it enforces, status included), no
 * Argo CD and no operator (the test applies the committed files and writes
 * the Stack's status, as they would).
 */
import fs from 'node:fs';
import path from 'node:path';
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { NestorClient } from '@nestor/plugin-nestor-common';
import {
  EngineScenario,
  EventRecorder,
  NestorTestBackend,
  TEST_USER,
  UpstreamCrdValidator,
  findRepoRoot,
  findUpstreamDir,
  startNestorTestBackend,
  waitFor,
  waitForPhase,
} from '@nestor/test-utils';
import YAML from 'yaml';
import { namespaceDefinitionDocument } from '../__fixtures__/pulumiDefinitions';
import nestorModulePulumi from '../index';

jest.setTimeout(120_000);

const EXAMPLES = ['k8s-namespace.yaml', 'sqs-queue.yaml'];
const CRDS = ['pulumi-kubernetes-operator/pulumi.com_programs.yaml', 'pulumi-kubernetes-operator/pulumi.com_stacks.yaml'];
const missing = EngineScenario.missingUpstream(CRDS);
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`\n*** Pulumi end to end: SKIPPED, the upstream Pulumi operator CRDs are needed: ${missing} ***\n`);
}

/**
 * An item whose program references something that is neither a parameter
 * nor part of the program, and a parameter an order may leave out.
 */
function brokenDefinitionDocument() {
  const document = namespaceDefinitionDocument();
  document.metadata.name = 'broken-namespace';
  (document.spec.parameters.properties as Record<string, object>).note = { type: 'string' };
  Object.assign(document.spec.pulumi.program.outputs, { owner: '${ownerTeam}', note: '${note}' });
  return document;
}

const at = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

(missing ? describe.skip : describe)('Deployment end to end with the Pulumi engine and GitOps delivery', () => {
  let scenario: EngineScenario;
  let backend: NestorTestBackend;
  let client: NestorClient;
  let events: EventRecorder;
  const validator = missing ? undefined : UpstreamCrdValidator.load(findUpstreamDir()!, CRDS);

  beforeAll(async () => {
    scenario = await EngineScenario.start({
      upstreamCrds: CRDS,
      buffet: {
        'namespace-with-quota.yaml': { ...namespaceDefinitionDocument(), metadata: { ...namespaceDefinitionDocument().metadata, name: 'namespace-with-quota' } },
        'broken-namespace.yaml': brokenDefinitionDocument(),
        // the Pulumi items of the example buffet (examples/resources), as app-config.yaml serves them
        ...Object.fromEntries(EXAMPLES.map(file => [`examples/${file}`, fs.readFileSync(path.join(findRepoRoot()!, 'examples/resources', file), 'utf8')])),
      },
    });
    backend = await startNestorTestBackend(scenario, {
      features: [nestorPlugin, nestorModulePulumi],
      nestor: { engines: { pulumi: { organization: 'acme', stack: { resyncFrequencySeconds: 120 } } } },
    });
    client = backend.client();
    await waitFor('the buffet item', async () => client.getCatalogItem('namespace-with-quota').catch(() => undefined));
    events = await EventRecorder.start(client, { team: 'team-payments' });
  });

  afterAll(async () => {
    events?.close();
    await backend?.stop();
    await scenario?.stop();
  });

  const stackRef = (name: string) => ({ apiVersion: 'pulumi.com/v1', kind: 'Stack', name, namespace: 'team-payments-dev' });

  it('lists the engine and turns away an item whose program references what an order may not have', async () => {
    expect((await client.listEngines()).items).toEqual([
      expect.objectContaining({ name: 'pulumi', capabilities: { delivery: ['gitops', 'direct'], outputs: true, drift: true }, health: expect.objectContaining({ status: 'ok' }) }),
    ]);
    expect((await client.listCatalog()).items.map(i => i.name).sort()).toEqual(['k8s-namespace', 'namespace-with-quota', 'sqs-queue']);
    const [source] = (await client.listCatalogSources()).items;
    expect(source.errors.map(e => `${e.path}:${e.line}: ${e.message}`)).toEqual([
      'buffet/broken-namespace.yaml:1: ResourceDefinition "broken-namespace": spec.pulumi.program.outputs: ${ownerTeam}: "ownerTeam" names no parameter, resource, variable or configuration key (parameters: namespaceName, cpuCores, memoryGi, labels, note); write $${...} for a literal',
      // every order the parameter schema accepts (a 400 otherwise) resolves every parameter the program references
      'buffet/broken-namespace.yaml:1: ResourceDefinition "broken-namespace": spec.pulumi.program.outputs: ${note}: parameter "note" is optional without a default, so an order may leave it out; make it required or give it a default',
    ]);
  });

  it('answers 400 with the field for an order the program cannot be resolved from', async () => {
    const response = await fetch(`${backend.baseUrl}/deploy`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${backend.token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ team: 'team-payments', environment: 'dev', name: 'no-name', resource: 'namespace-with-quota', parameters: { cpuCores: 'many' } }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { check: string; reasons: Array<{ code: string; field: string }> } };
    expect(error.check).toBe('schema');
    expect(error.reasons.map(r => `${r.code} ${r.field}`).sort()).toEqual(['INVALID_PARAMETER parameters.cpuCores', 'INVALID_PARAMETER parameters.namespaceName']);
    expect((await client.listDeployments({ team: 'team-payments' })).items).toEqual([]);
  });

  it('delivers an order to Ready with the stack outputs, through a retried update', async () => {
    const accepted = await client.deploy({ team: 'team-payments', environment: 'dev', name: 'analytics-ns', resource: 'namespace-with-quota', parameters: { namespaceName: 'analytics', cpuCores: 8 } });
    expect(accepted.phase).toBe('Pending');
    const ref = 'team-payments/dev/analytics-ns';

    // the Program and the Stack are committed to the team's repository, valid against the operator's CRDs
    const files = await waitFor('the commit', async () => {
      const committed = await scenario.readRepo('payments-infra', 'clusters/dev/analytics-ns');
      return committed.size > 0 ? committed : undefined;
    });
    expect([...files.keys()].sort()).toEqual(['program.yaml', 'stack.yaml']);
    const program = YAML.parse(files.get('program.yaml')!);
    const stack = YAML.parse(files.get('stack.yaml')!);
    expect(validator!.validate(program)).toEqual([]);
    expect(validator!.validate(stack)).toEqual([]);
    expect(program.program.resources.ns.properties.metadata).toEqual({ name: 'analytics', labels: { tier: 'standard' } });
    expect(program.program.resources.quota.properties.spec.hard).toEqual({ 'requests.cpu': 8, 'requests.memory': '8Gi' });
    // the program's own references and Pulumi's escape are left for Pulumi
    expect(program.program.outputs).toEqual({ namespace: '${ns.metadata.name}', stack: '${pulumi.stack}', escaped: '$${cpuCores}' });
    expect(stack.metadata).toMatchObject({
      name: 'analytics-ns',
      namespace: 'team-payments-dev',
      labels: { 'nestor.io/team': 'team-payments', 'nestor.io/environment': 'dev', 'nestor.io/deployment': 'analytics-ns' },
    });
    expect(stack.spec).toEqual({
      stack: 'acme/team-payments-dev-analytics-ns',
      programRef: { name: 'analytics-ns' },
      destroyOnFinalize: true,
      continueResyncOnCommitMatch: true,
      resyncFrequencySeconds: 120,
      refresh: true,
      config: { 'kubernetes:namespace': 'analytics' },
    });
    const [subject] = await scenario.commitSubjects('payments-infra');
    expect(subject).toBe(`nestor: deploy ${ref} (revision 1) by ${TEST_USER}`);

    // before Argo CD syncs, the Stack is not in the cluster: Nestor keeps waiting
    await waitForPhase(client, accepted.id, 'Syncing');
    const applied = await scenario.applyCommitted('payments-infra', 'clusters/dev/analytics-ns');
    expect(applied.map(o => o.kind).sort()).toEqual(['Program', 'Stack']);
    const generation = applied.find(o => o.kind === 'Stack')!.metadata.generation;

    // the operator's first update fails and it retries: still Syncing, its message on the deployment
    scenario.kubernetes.patchStatus(stackRef('analytics-ns'), {
      observedGeneration: generation,
      lastUpdate: { state: 'failed', message: 'error: namespaces "analytics" is forbidden', generation },
      conditions: [
        { type: 'Ready', status: 'False', reason: 'NotReady', message: 'the last update failed', lastTransitionTime: at() },
        { type: 'Reconciling', status: 'True', reason: 'RetryingAfterFailure', message: 'retrying', lastTransitionTime: at() },
      ],
    });
    const retrying = await waitFor('the failed update read back', async () => {
      const d = await client.getDeployment(accepted.id);
      return d.conditions.some(c => c.type === 'Reconciling') ? d : undefined;
    });
    expect(retrying.phase).toBe('Syncing');
    expect(retrying.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'False', message: 'the last update failed' })]));

    scenario.kubernetes.patchStatus(stackRef('analytics-ns'), {
      observedGeneration: generation,
      lastUpdate: { state: 'succeeded', generation },
      outputs: { namespace: 'analytics', stack: 'acme/team-payments-dev-analytics-ns' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'ProcessingCompleted', message: 'the stack is up to date', lastTransitionTime: at() },
        { type: 'Reconciling', status: 'False', reason: 'ProcessingCompleted', message: 'done', lastTransitionTime: at() },
      ],
    });
    const ready = await waitForPhase(client, accepted.id, 'Ready');
    expect(ready.outputs).toEqual({ namespace: 'analytics', stack: 'acme/team-payments-dev-analytics-ns' });
    expect(ready.conditions.map(c => `${c.type}=${c.status}`)).toEqual(expect.arrayContaining(['Ready=True', 'Reconciling=False']));
    expect(ready.revisions[0].delivery).toMatchObject({ mode: 'gitops', repo: scenario.git.url('payments-infra'), path: 'clusters/dev/analytics-ns' });

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

  it('gives every deployment its own stack, and fails one the operator stalls, with its message', async () => {
    const accepted = await client.deploy({ team: 'team-payments', environment: 'dev', name: 'reporting-ns', resource: 'namespace-with-quota', parameters: { namespaceName: 'reporting' } });
    const ref = 'team-payments/dev/reporting-ns';
    await waitForPhase(client, accepted.id, 'Syncing');
    const applied = await scenario.applyCommitted('payments-infra', 'clusters/dev/reporting-ns');
    const stack = applied.find(o => o.kind === 'Stack')!;
    expect(stack.spec).toMatchObject({ stack: 'acme/team-payments-dev-reporting-ns', programRef: { name: 'reporting-ns' } });
    // the first deployment's objects are untouched
    expect(scenario.kubernetes.listObjects('pulumi.com/v1', 'Stack', 'team-payments-dev').map(o => o.spec.stack).sort()).toEqual([
      'acme/team-payments-dev-analytics-ns',
      'acme/team-payments-dev-reporting-ns',
    ]);

    scenario.kubernetes.patchStatus(stackRef('reporting-ns'), {
      observedGeneration: stack.metadata.generation,
      conditions: [
        { type: 'Ready', status: 'False', reason: 'NotReady', message: 'not ready', lastTransitionTime: at() },
        { type: 'Stalled', status: 'True', reason: 'StackConfigInvalid', message: 'secret "pulumi-api" not found', lastTransitionTime: at() },
      ],
    });
    const failed = await waitForPhase(client, accepted.id, 'Failed');
    expect(failed.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Stalled', status: 'True', message: 'secret "pulumi-api" not found' })]));
    expect(failed.history.at(-1)).toMatchObject({ phase: 'Failed', message: expect.stringContaining('secret "pulumi-api" not found') });
    const event = await events.waitFor('deployment.failed', ref);
    expect(JSON.stringify(event.payload)).toContain('secret \\"pulumi-api\\" not found');
  });

  it('deletes a deployment by removing its files from Git (the Stack destroys on finalize)', async () => {
    const [deployment] = (await client.listDeployments({ team: 'team-payments' })).items.filter(d => d.name === 'analytics-ns');
    expect(deployment.phase).toBe('Ready');
    await client.deleteDeployment(deployment.id);
    await waitForPhase(client, deployment.id, 'Deleted');
    expect(await scenario.readRepo('payments-infra', 'clusters/dev/analytics-ns')).toEqual(new Map());
    await waitFor('the delete events', async () => (events.timeline(deployment.ref).includes('phase Deleted') ? true : undefined));
    expect(events.timeline(deployment.ref).slice(-3)).toEqual(['phase Deleting', 'gitops.committed delete', 'phase Deleted']);
  });
});
