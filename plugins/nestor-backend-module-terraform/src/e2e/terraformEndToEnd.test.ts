/*
 * The Terraform engine end to end, in the real Nestor backend (the plugin
 * and this module in startTestBackend): the buffet in a real Git repository
 * (`git http-backend`) → catalog sync → POST /deploy → ...
 *
 * - GitOps (team-payments): the root module and the `Terraform` object
 *   committed to the team's GitOps repository → applied to the test cluster
 *   by the test (playing Argo CD) → the test writes the tofu-controller's
 *   conditions and outputs Secret → Ready with the outputs, or Failed with
 *   the plan's error text; every event seen over SSE.
 * - Direct (team-labs, `delivery: direct`), with the real terraform CLI when
 *   it is installed: a real plan, apply and destroy of a module that uses
 *   only `terraform_data`, the outputs on the deployment, a failing plan's
 *   error text in its conditions.
 *
 * What does not run here and what stands in for it: no Kubernetes cluster
 * (the in-process API server of @nestor/test-utils, with the upstream
 * tofu-controller CRD installed and enforced), no Argo CD and no
 * tofu-controller (the test applies the committed files and writes the
 * object's status, as they would).
 */
import fs from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module is tested inside the real plugin
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { NestorClient } from '@nestor/plugin-nestor-common';
import {
  EngineScenario,
  EventRecorder,
  NestorTestBackend,
  TEST_USER,
  UpstreamCrdValidator,
  findUpstreamDir,
  startNestorTestBackend,
  waitFor,
  waitForPhase,
} from '@nestor/test-utils';
import YAML from 'yaml';
import { findTerraform } from '../__testUtils__/findTerraform';
import {
  FIXTURE_MODULES,
  directTeamConfig,
  greetingDefinition,
} from '../__fixtures__/terraformDefinitions';
import nestorModuleTerraform from '../index';

jest.setTimeout(180_000);

const TERRAFORM_CRD = 'tofu-controller/infra.contrib.fluxcd.io_terraforms.yaml';
const missingCrd = EngineScenario.missingUpstream([TERRAFORM_CRD]);
if (missingCrd) {
  // eslint-disable-next-line no-console
  console.warn(`${missingCrd}: the Terraform end-to-end test is skipped`);
}

const terraform = findTerraform(
  'the direct-delivery part of the Terraform end-to-end test is skipped',
);

const EXAMPLES = path.resolve(__dirname, '../../../../examples/resources');
const EXAMPLE_ITEMS = [
  's3-bucket.yaml',
  'dynamodb-table.yaml',
  'cdn-distribution.yaml',
];
const LABS_USER = 'user:default/ada';

(missingCrd ? describe.skip : describe)('Terraform engine end to end', () => {
  let scenario: EngineScenario;
  let backend: NestorTestBackend;
  let client: NestorClient;
  let stateDir: string;

  beforeAll(async () => {
    scenario = await EngineScenario.start({
      environments: ['dev', 'staging', 'prod'],
      upstreamCrds: [TERRAFORM_CRD],
      buffet: {
        // the repository's own example items, as the platform publishes them
        ...Object.fromEntries(
          EXAMPLE_ITEMS.map(file => [
            file,
            fs.readFileSync(path.join(EXAMPLES, file), 'utf8'),
          ]),
        ),
        'greeting.yaml': YAML.stringify(greetingDefinition()),
        // a team whose deployments the backend applies itself
        'team-labs.yaml': directTeamConfig(),
      },
    });
    stateDir = scenario.tempDir('nestor-tfstate-');
    backend = await startNestorTestBackend(scenario, {
      features: [nestorPlugin, nestorModuleTerraform],
      users: {
        [TEST_USER]: [TEST_USER, 'group:default/team-payments'],
        [LABS_USER]: [LABS_USER, 'group:default/team-labs'],
      },
      nestor: {
        engines: {
          terraform: {
            stateBackend: { type: 'local', directory: stateDir },
            gitops: { sourceRef: { name: '{team}-gitops' } },
            direct: {
              binary: terraform ?? 'terraform',
              workingDirectory: scenario.tempDir('nestor-terraform-'),
              modulesDirectory: FIXTURE_MODULES,
              driftDetection: { enabled: false },
            },
          },
        },
      },
    });
    client = backend.client();
  });

  afterAll(async () => {
    await backend?.stop();
    await scenario?.stop();
  });

  it("syncs the Terraform items, the repository's examples among them, without errors", async () => {
    const [source] = await waitFor('the first sync', async () => {
      const { items } = await client.listCatalogSources();
      return items[0] && items[0].status !== 'never' ? items : undefined;
    });
    expect(source).toMatchObject({ status: 'ok', errors: [], itemCount: 4 });
    // team-payments sees the public items and those shared with it (cdn-distribution is team-platform's and team-checkout's)
    expect((await client.listCatalog()).items.map(i => i.name).sort()).toEqual([
      'dynamodb-table',
      'greeting',
      's3-bucket',
    ]);
    expect(
      (await backend.client(LABS_USER).listCatalog()).items
        .map(i => i.name)
        .sort(),
    ).toEqual(['greeting', 's3-bucket']);
    const [engine] = (await client.listEngines()).items;
    expect(engine).toMatchObject({
      name: 'terraform',
      capabilities: {
        delivery: ['gitops', 'direct'],
        outputs: true,
        drift: true,
      },
    });
    expect(engine.health.status).toBe(terraform ? 'ok' : 'degraded');
  });

  describe('GitOps delivery through the tofu-controller', () => {
    const validator = UpstreamCrdValidator.load(findUpstreamDir()!, [
      TERRAFORM_CRD,
    ]);
    const terraformRef = (name: string) => ({
      apiVersion: 'infra.contrib.fluxcd.io/v1alpha2',
      kind: 'Terraform',
      name,
      namespace: 'team-payments-dev',
    });
    const at = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

    it('commits the root module and the Terraform object, follows the run to Ready with the outputs', async () => {
      const events = await EventRecorder.start(client, {
        team: 'team-payments',
      });
      const ref = 'team-payments/dev/invoices';
      const { id } = await client.deploy({
        team: 'team-payments',
        environment: 'dev',
        name: 'invoices',
        resource: 's3-bucket',
        parameters: { region: 'eu-central-1', expireAfterDays: 30 },
      });

      const committed = await waitFor('the commit', async () => {
        const files = await scenario.readRepo(
          'payments-infra',
          'clusters/dev/invoices',
        );
        return files.has('terraform.yaml') ? files : undefined;
      });
      expect([...committed.keys()].sort()).toEqual([
        'main.tf',
        'terraform.yaml',
      ]);
      expect(committed.get('main.tf')).toContain(
        'module "this" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.1"\n',
      );
      const object = YAML.parse(committed.get('terraform.yaml')!);
      expect(validator.validate(object)).toEqual([]);
      expect(object.spec).toMatchObject({
        path: './clusters/dev/invoices',
        sourceRef: {
          kind: 'GitRepository',
          name: 'team-payments-gitops',
          namespace: 'flux-system',
        },
        workspace: 'team-payments-dev',
        backendConfig: { secretSuffix: 'invoices', inClusterConfig: true },
        writeOutputsToSecret: {
          name: 'invoices-outputs',
          outputs: ['bucketName', 'bucketArn', 'bucketRegionalDomainName'],
        },
      });
      // the order with the item's defaults, one var per input
      expect(object.spec.vars).toEqual([
        { name: 'encryption', value: 'AES256' },
        { name: 'expireAfterDays', value: 30 },
        { name: 'region', value: 'eu-central-1' },
        { name: 'transitionToInfrequentAccessDays', value: 0 },
        { name: 'versioning', value: true },
      ]);
      expect((await scenario.commitSubjects('payments-infra'))[0]).toBe(
        `nestor: deploy ${ref} (revision 1) by ${TEST_USER}`,
      );

      // Argo CD's part: the object reaches the cluster (its CRD's schema enforced there too)
      await waitForPhase(client, id, 'Syncing');
      await scenario.applyCommitted('payments-infra', 'clusters/dev/invoices');
      // the controller's part: planning, then applied with outputs
      scenario.kubernetes.patchStatus(terraformRef('invoices'), {
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'Progressing',
            message: 'Terraform Planning',
            lastTransitionTime: at(),
          },
        ],
      });
      const planning = await waitFor("the controller's condition", async () => {
        const d = await client.getDeployment(id);
        return d.conditions.some(
          c => c.type === 'Ready' && c.reason === 'Progressing',
        )
          ? d
          : undefined;
      });
      expect(planning.phase).toBe('Syncing');
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      scenario.kubernetes.applyObject(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'invoices-outputs',
            namespace: 'team-payments-dev',
          },
          data: {
            bucketName: b64('invoices-dev'),
            bucketArn: b64('arn:aws:s3:::invoices-dev'),
            bucketRegionalDomainName: b64(
              'invoices-dev.s3.eu-central-1.amazonaws.com',
            ),
          },
        },
        'tf-controller',
      );
      scenario.kubernetes.patchStatus(terraformRef('invoices'), {
        availableOutputs: [
          'bucketName',
          'bucketArn',
          'bucketRegionalDomainName',
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'TerraformOutputsWritten',
            message: 'Outputs written: main@sha1:0123abc',
            lastTransitionTime: at(),
          },
        ],
      });
      const ready = await waitForPhase(client, id, 'Ready');
      expect(ready.outputs).toEqual({
        bucketName: 'invoices-dev',
        bucketArn: 'arn:aws:s3:::invoices-dev',
        bucketRegionalDomainName: 'invoices-dev.s3.eu-central-1.amazonaws.com',
      });
      expect(ready.conditions).toContainEqual(
        expect.objectContaining({
          type: 'Ready',
          status: 'True',
          reason: 'TerraformOutputsWritten',
        }),
      );
      expect(ready.revisions[0].delivery).toMatchObject({
        mode: 'gitops',
        repo: scenario.git.url('payments-infra'),
        path: 'clusters/dev/invoices',
      });

      await events.waitFor('deployment.completed', ref);
      events.close();
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

    it('removes the files on delete, so the pruned object makes the controller destroy', async () => {
      const [deployment] = (
        await client.listDeployments({ team: 'team-payments' })
      ).items.filter(d => d.name === 'invoices');
      await client.deleteDeployment(deployment.id);
      await waitForPhase(client, deployment.id, 'Deleted');
      expect(
        await scenario.readRepo('payments-infra', 'clusters/dev/invoices'),
      ).toEqual(new Map());
      // it was the only deployment there: the commit leaves the folder empty
      expect(await scenario.readRepo('payments-infra', 'clusters')).toEqual(
        new Map(),
      );
      expect((await scenario.commitSubjects('payments-infra'))[0]).toBe(
        `nestor: delete team-payments/dev/invoices (revision 1) by ${TEST_USER}`,
      );
    });

    it("fails the deployment with the plan's error text when the controller cannot plan", async () => {
      const { id } = await client.deploy({
        team: 'team-payments',
        environment: 'dev',
        name: 'raw-events',
        resource: 's3-bucket',
        parameters: { region: 'eu-west-1' },
      });
      await waitForPhase(client, id, 'Syncing');
      await scenario.applyCommitted(
        'payments-infra',
        'clusters/dev/raw-events',
      );
      const planError =
        'Error: Unsupported argument\n\n  on main.tf line 22, in module "this":\n  22:   expireAfterDays = var.expireAfterDays\n\nAn argument named "expireAfterDays" is not expected here.';
      scenario.kubernetes.patchStatus(terraformRef('raw-events'), {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'TFExecPlanFailed',
            message: planError,
            lastTransitionTime: at(),
          },
        ],
      });
      const failed = await waitForPhase(client, id, 'Failed');
      expect(failed.conditions).toContainEqual(
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          message: expect.stringContaining(
            'An argument named "expireAfterDays" is not expected here.',
          ),
        }),
      );
      expect(failed.history.at(-1)).toMatchObject({
        phase: 'Failed',
        reason: 'EngineReportedFailure',
      });
    });
  });

  (terraform ? describe : describe.skip)(
    'direct delivery with the real terraform CLI',
    () => {
      let labs: NestorClient;
      const stateFile = (name: string) =>
        path.join(stateDir, 'team-labs', 'dev', `${name}.tfstate`);
      const stateResources = (name: string) =>
        JSON.parse(fs.readFileSync(stateFile(name), 'utf8'))
          .resources as unknown[];

      beforeAll(() => {
        labs = backend.client(LABS_USER);
      });

      it('plans, applies and destroys, with the outputs on the deployment and every event seen', async () => {
        const events = await EventRecorder.start(labs, { team: 'team-labs' });
        const ref = 'team-labs/dev/hello';
        const { id } = await labs.deploy({
          team: 'team-labs',
          environment: 'dev',
          name: 'hello',
          resource: 'greeting',
          parameters: { name: 'ada', team: 'labs' },
        });
        const ready = await waitForPhase(labs, id, 'Ready', {
          timeoutMs: 120_000,
        });
        expect(ready.outputs).toEqual({
          message: 'hello ada (small)',
          tagCount: 2,
          token: { sensitive: true },
        });
        expect(ready.conditions).toContainEqual(
          expect.objectContaining({
            type: 'Ready',
            status: 'True',
            reason: 'Applied',
          }),
        );
        const [revision] = ready.revisions;
        expect(revision.delivery).toMatchObject({ mode: 'direct' });
        expect(revision.artifacts.map(a => a.path)).toEqual([
          'main.tf',
          'backend.tf',
          'terraform.tfvars.json',
          'plan.txt',
        ]);
        expect(
          revision.artifacts.find(a => a.path === 'plan.txt')!.content,
        ).toContain('module.this.terraform_data.greeting will be created');
        expect(stateResources('hello')).toHaveLength(1);

        await labs.deleteDeployment(id);
        await waitForPhase(labs, id, 'Deleted', { timeoutMs: 120_000 });
        expect(stateResources('hello')).toEqual([]);

        await waitFor('phase Deleted over SSE', async () =>
          events.timeline(ref).includes('phase Deleted') ? true : undefined,
        );
        events.close();
        expect(events.timeline(ref)).toEqual([
          'deployment.created',
          'phase Validating',
          'phase Rendering',
          'phase Applying',
          'phase Syncing',
          'phase Ready',
          'deployment.completed',
          'phase Deleting',
          'phase Deleted',
        ]);
        expect(events.inIdOrder()).toBe(true);
      });

      it('updates to a new revision and rolls back to the files of the first', async () => {
        const order = (name: string) => ({
          team: 'team-labs',
          environment: 'dev',
          name: 'greeter',
          resource: 'greeting',
          parameters: { name },
        });
        const { id } = await labs.deploy(order('ada'));
        await waitForPhase(labs, id, 'Ready', { timeoutMs: 120_000 });
        await labs.deploy(order('grace'));
        const updated = await waitFor(
          'revision 2 applied',
          async () => {
            const d = await labs.getDeployment(id);
            return d.currentRevision === 2 && d.phase === 'Ready'
              ? d
              : undefined;
          },
          { timeoutMs: 120_000 },
        );
        expect(updated.outputs).toMatchObject({
          message: 'hello grace (small)',
        });
        expect(
          updated.revisions[1].artifacts.find(a => a.path === 'plan.txt')!
            .content,
        ).toContain('~ input  = "hello ada (small)" -> "hello grace (small)"');

        await labs.rollbackDeployment(id, { toRevision: 1 });
        const rolledBack = await waitForPhase(labs, id, 'RolledBack', {
          timeoutMs: 120_000,
        });
        expect(rolledBack.currentRevision).toBe(3);
        expect(rolledBack.outputs).toMatchObject({
          message: 'hello ada (small)',
        });
        const state = JSON.parse(fs.readFileSync(stateFile('greeter'), 'utf8'));
        expect(state.resources[0].instances[0].attributes.input).toEqual({
          value: 'hello ada (small)',
          type: 'string',
        });

        await labs.deleteDeployment(id);
        await waitForPhase(labs, id, 'Deleted', { timeoutMs: 120_000 });
        expect(stateResources('greeter')).toEqual([]);
      });

      it("fails a deployment whose plan fails, with terraform's error text in its conditions", async () => {
        const { id } = await labs.deploy({
          team: 'team-labs',
          environment: 'dev',
          name: 'huge',
          resource: 'greeting',
          parameters: { name: 'ada', size: 'huge' },
        });
        const failed = await waitForPhase(labs, id, 'Failed', {
          timeoutMs: 120_000,
        });
        expect(failed.conditions).toContainEqual(
          expect.objectContaining({
            type: 'Ready',
            status: 'False',
            reason: 'TerraformPlanFailed',
            message: expect.stringContaining(
              'size must be small, medium or large.',
            ),
          }),
        );
        expect(failed.history.at(-1)).toMatchObject({
          phase: 'Failed',
          reason: 'TerraformPlanFailed',
        });
        expect(fs.existsSync(stateFile('huge'))).toBe(false);
      });
    },
  );
});
