/*
 * Drift of a direct Terraform deployment, end to end in the real Nestor
 * backend (the plugin and this module in startTestBackend; the test runs the
 * drift monitor's scheduled task through Backstage's mock scheduler, as the
 * scheduler would every `driftCheck.frequency`): the real terraform CLI applies a
 * module that uses only `terraform_data`; the test removes the resource from
 * the state behind Nestor's back; the monitor's `plan -detailed-exitcode`
 * finds it and the deployment gets `Drifted=True` with the plan's summary,
 * seen over the API and as an event over SSE, its phase still `Ready`. Once
 * the test re-applies by hand (what the team would do), the condition turns
 * `Drifted=False`.
 *
 * Nothing here needs a cluster: the Kubernetes API server of the scenario is
 * not used by direct Terraform deployments.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module is tested inside the real plugin
import nestorPlugin from '@nestor/plugin-nestor-backend';
import { ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Condition,
  Deployment,
  NestorClient,
} from '@nestor/plugin-nestor-common';
import {
  EngineScenario,
  EventRecorder,
  NestorTestBackend,
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

const terraform = findTerraform(
  'the Terraform drift end-to-end test is skipped',
);
const LABS_USER = 'user:default/ada';

(terraform ? describe : describe.skip)(
  'Terraform drift through the drift monitor',
  () => {
    let scenario: EngineScenario;
    let backend: NestorTestBackend;
    let labs: NestorClient;
    let workDir: string;
    let stateDir: string;
    // Backstage's MockSchedulerService (typed as SchedulerService): its factory() installs this instance
    const scheduler = mockServices.scheduler() as ReturnType<
      typeof mockServices.scheduler
    > & { factory(): ServiceFactory };
    /** one run of the drift monitor over every running deployment */
    const checkDrift = () => scheduler.triggerTask('nestor-drift-check');

    beforeAll(async () => {
      scenario = await EngineScenario.start({
        environments: ['dev'],
        buffet: {
          'greeting.yaml': YAML.stringify(greetingDefinition()),
          'team-labs.yaml': directTeamConfig('team-labs', ['dev']),
        },
      });
      workDir = scenario.tempDir('nestor-terraform-');
      stateDir = scenario.tempDir('nestor-tfstate-');
      backend = await startNestorTestBackend(scenario, {
        features: [scheduler.factory(), nestorPlugin, nestorModuleTerraform],
        users: { [LABS_USER]: [LABS_USER, 'group:default/team-labs'] },
        nestor: {
          engines: {
            terraform: {
              stateBackend: { type: 'local', directory: stateDir },
              direct: {
                binary: terraform,
                workingDirectory: workDir,
                modulesDirectory: FIXTURE_MODULES,
              },
            },
          },
        },
      });
      labs = backend.client(LABS_USER);
      await waitFor('the first sync', async () => {
        const { items } = await labs.listCatalog();
        return items.some(i => i.name === 'greeting') ? true : undefined;
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await scenario?.stop();
    });

    const stateResources = () =>
      JSON.parse(
        fs.readFileSync(
          path.join(stateDir, 'team-labs', 'dev', 'hello.tfstate'),
          'utf8',
        ),
      ).resources as unknown[];
    const drifted = (d: Deployment): Condition | undefined =>
      d.conditions.find(c => c.type === 'Drifted');
    /** terraform in the deployment's workspace, as someone with a shell on the host would run it */
    const terraformHere = (args: string[]) =>
      execFileSync(terraform!, args, {
        cwd: path.join(workDir, 'team-labs', 'dev', 'hello'),
        env: {
          ...process.env,
          TF_CLI_CONFIG_FILE: path.join(workDir, '.terraformrc'),
          TF_IN_AUTOMATION: '1',
        },
        stdio: 'ignore',
      });

    it('puts Drifted=True on the Ready deployment once its resource is gone from the state, and Drifted=False once it is back', async () => {
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
      expect(stateResources()).toHaveLength(1);
      // in sync: no condition is written for a deployment that never drifted
      await checkDrift();
      expect(await labs.getDeployment(id)).toMatchObject({
        version: ready.version,
        conditions: ready.conditions,
      });

      const events = await EventRecorder.start(labs, { team: 'team-labs' });
      terraformHere(['state', 'rm', 'module.this.terraform_data.greeting']);
      await checkDrift();
      const found = await labs.getDeployment(id);
      expect(found.phase).toBe('Ready');
      expect(found.history).toEqual(ready.history);
      expect(drifted(found)).toMatchObject({
        status: 'True',
        reason: 'DriftDetected',
        message:
          'Plan: 1 to add, 0 to change, 0 to destroy.; module.this.terraform_data.greeting will be created',
      });
      const event = await events.waitFor('deployment.phase', ref, 30_000);
      expect(event.payload).toMatchObject({
        from: 'Ready',
        to: 'Ready',
        reason: 'DriftDetected',
        drift: { drifted: true },
        deployment: { id, phase: 'Ready' },
      });
      expect(
        (event.payload as { drift: { details: string } }).drift.details,
      ).toContain('# module.this.terraform_data.greeting will be created');
      // nothing was re-applied: the resource is still missing from the state
      expect(stateResources()).toEqual([]);

      // the team puts it back
      terraformHere(['apply', '-auto-approve', '-input=false', '-no-color']);
      await checkDrift();
      const resolved = await labs.getDeployment(id);
      expect(drifted(resolved)).toMatchObject({
        reason: 'DriftResolved',
        message: 'no changes: the resources match the configuration',
      });
      expect(resolved.phase).toBe('Ready');
      expect(stateResources()).toHaveLength(1);
      const resolvedEvent = await waitFor('the DriftResolved event', async () =>
        events.events.find(
          e =>
            e.ref === ref &&
            (e.payload as { reason?: string }).reason === 'DriftResolved',
        ),
      );
      expect(resolvedEvent.payload).toMatchObject({
        from: 'Ready',
        to: 'Ready',
        drift: { drifted: false },
      });
      events.close();
    });
  },
);
