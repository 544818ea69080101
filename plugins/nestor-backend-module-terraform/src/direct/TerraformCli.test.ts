import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EngineRenderContext,
  TransientEngineError,
  WorkingDirectoryLock,
} from '@nestor/plugin-nestor-node';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import {
  FIXTURE_MODULES,
  greetingDefinition,
} from '../__fixtures__/terraformDefinitions';
import { terraformEngineConfigSchema } from '../config/terraformEngineConfigSchema';
import { findTerraform } from '../__testUtils__/findTerraform';
import { TerraformEngine } from '../TerraformEngine';
import { TerraformCommandError } from './TerraformCli';

const terraform = findTerraform(
  'the direct-mode tests with the real CLI are skipped',
);
const describeWithTerraform = terraform ? describe : describe.skip;

// Real terraform, real files: the fixture module uses `terraform_data` only,
// so init needs no provider download and nothing leaves the machine. State
// is local, under a temporary folder.
describeWithTerraform('direct mode with the real terraform CLI', () => {
  jest.setTimeout(120_000);
  let root: string;
  let engine: TerraformEngine;
  const noon = new Date('2026-01-01T12:00:00Z');

  /** An engine on the fixture modules, with local state under the test's folder. */
  function createEngine(lockTimeoutSeconds: number, logger?: LoggerService) {
    return TerraformEngine.create({
      config: terraformEngineConfigSchema.parse({
        stateBackend: { type: 'local', directory: path.join(root, 'state') },
        direct: {
          binary: terraform,
          workingDirectory: path.join(root, 'work'),
          modulesDirectory: FIXTURE_MODULES,
          lockTimeoutSeconds,
        },
      }),
      now: () => noon,
      logger,
    });
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-terraform-'));
    engine = createEngine(0);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function order(
    parameters: Record<string, unknown>,
    name = 'hello',
  ): EngineRenderContext {
    return createTestRenderContext({
      definition: greetingDefinition(),
      team: 'team-a',
      environment: 'dev',
      name,
      delivery: 'direct',
      gitops: false,
      parameters,
    });
  }
  const terraformEnv = () => ({
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(root, 'work', '.terraformrc'),
  });
  const stateFile = (name = 'hello') =>
    path.join(root, 'state', 'team-a', 'dev', `${name}.tfstate`);
  const stateResources = (name = 'hello') =>
    JSON.parse(fs.readFileSync(stateFile(name), 'utf8')).resources as Array<{
      type: string;
      module?: string;
    }>;

  it('plans when rendering, applies, reads the outputs, and destroys', async () => {
    expect(await engine.health()).toEqual({
      status: 'ok',
      message: expect.stringMatching(
        /^terraform \d+\.\d+\.\d+ for direct deployments/,
      ),
    });
    const context = order({ name: 'ada', team: 'payments' });
    expect(await engine.status(context, {})).toMatchObject({
      phase: 'Syncing',
      message: 'not applied yet',
    });

    const rendered = await engine.render(context);
    expect(rendered.artifacts.map(a => a.path)).toEqual([
      'main.tf',
      'backend.tf',
      'terraform.tfvars.json',
      'plan.txt',
    ]);
    const file = (name: string) =>
      rendered.artifacts.find(a => a.path === name)!.content;
    expect(file('backend.tf')).toBe(
      [
        'terraform {',
        '  backend "local" {',
        `    path = ${JSON.stringify(stateFile())}`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(file('terraform.tfvars.json'))).toEqual({
      name: 'ada',
      size: 'small',
      tags: { team: 'payments', literal: '${not-a-param}' },
    });
    // the plan kept on the revision is terraform's own rendering of the saved plan
    expect(file('plan.txt')).toContain(
      'module.this.terraform_data.greeting will be created',
    );
    expect(file('plan.txt')).toContain('"hello ada (small)"');
    expect(file('plan.txt')).toContain(
      'Plan: 1 to add, 0 to change, 0 to destroy.',
    );
    expect(fs.existsSync(stateFile())).toBe(false);

    await engine.apply(context, rendered, {});
    expect(stateResources().map(r => `${r.module}.${r.type}`)).toEqual([
      'module.this.terraform_data',
    ]);
    const ready = await engine.status(context, {});
    expect(ready).toEqual({
      phase: 'Ready',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Applied',
          message: 'terraform apply succeeded at 2026-01-01T12:00:00.000Z',
          lastTransitionTime: '2026-01-01T12:00:00.000Z',
        },
      ],
      outputs: {
        message: 'hello ada (small)',
        tagCount: 2,
        token: { sensitive: true },
      },
      message: 'applied at 2026-01-01T12:00:00.000Z',
    });
    // the sensitive value is nowhere in what Nestor keeps
    const token = execFileSync(
      'sh',
      ['-c', 'printf ada | sha256sum | cut -d" " -f1'],
      { encoding: 'utf8' },
    ).trim();
    expect(JSON.stringify(ready)).not.toContain(token);
    expect(
      JSON.stringify(
        await engine.cli.workspace(context.deployment).readRecord(),
      ),
    ).not.toContain(token);

    await engine.destroy(context, {});
    expect(stateResources()).toEqual([]);
    expect(fs.existsSync(engine.cli.workspace(context.deployment).dir)).toBe(
      false,
    );
    expect(await engine.status(context, {})).toMatchObject({
      phase: 'Syncing',
    });
  });

  it("fails a plan with terraform's error text, named after the command", async () => {
    const error = await engine
      .render(order({ name: 'ada', size: 'huge' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(TerraformCommandError);
    expect(error.name).toBe('TerraformPlanFailed');
    expect(error.message).toMatch(
      /^terraform plan (-[a-z-]+ )*failed with exit code 1:\n/,
    );
    expect(error.message).toContain('size must be small, medium or large.');
    expect(fs.existsSync(stateFile())).toBe(false);
  });

  it('applies the files of the revision it is given, planning again when they are not the planned ones', async () => {
    const first = order({ name: 'ada' });
    const revision1 = await engine.render(first);
    await engine.apply(first, revision1, {});
    const second = order({ name: 'grace', size: 'large' });
    const revision2 = await engine.render(second);
    expect(
      revision2.artifacts.find(a => a.path === 'plan.txt')!.content,
    ).toContain('module.this.terraform_data.greeting will be updated in-place');
    // a rollback re-applies revision 1 while the workspace holds the plan of revision 2
    await engine.apply(first, revision1, {});
    expect((await engine.status(first, {})).outputs).toMatchObject({
      message: 'hello ada (small)',
    });
    await engine.apply(second, revision2, {});
    expect((await engine.status(second, {})).outputs).toMatchObject({
      message: 'hello grace (large)',
    });
    await engine.destroy(second, {});
  });

  it('plans again when the saved plan went stale because the state changed after it', async () => {
    const context = order({ name: 'ada' });
    const rendered = await engine.render(context);
    const dir = engine.cli.workspace(context.deployment).dir;
    // the state moves on after the plan was saved: an apply outside Nestor's saved plan
    execFileSync(terraform!, ['apply', '-auto-approve', '-input=false'], {
      cwd: dir,
      env: terraformEnv(),
      stdio: 'ignore',
    });
    const serial = JSON.parse(fs.readFileSync(stateFile(), 'utf8')).serial;
    const stale = execFileSync(
      'sh',
      [
        '-c',
        `${terraform} apply -input=false -no-color nestor.tfplan 2>&1 || true`,
      ],
      { cwd: dir, env: terraformEnv(), encoding: 'utf8' },
    );
    expect(stale).toContain('Saved plan is stale');
    await engine.apply(context, rendered, {});
    expect((await engine.status(context, {})).phase).toBe('Ready');
    expect(
      JSON.parse(fs.readFileSync(stateFile(), 'utf8')).serial,
    ).toBeGreaterThanOrEqual(serial);
  });

  it('finds drift with plan -detailed-exitcode (detectDrift), logging it with the deployment ref', async () => {
    const moduleLogger = mockServices.logger.mock();
    const deploymentLogger = mockServices.logger.mock();
    moduleLogger.child.mockReturnValue(deploymentLogger);
    engine = createEngine(0, moduleLogger);
    const context = order({ name: 'ada' });
    await engine.apply(context, await engine.render(context), {});
    expect(await engine.detectDrift(context, {})).toEqual({
      drifted: false,
      message: 'no changes: the resources match the configuration',
    });

    // someone removes the resource behind Nestor's back
    execFileSync(
      terraform!,
      ['state', 'rm', 'module.this.terraform_data.greeting'],
      {
        cwd: engine.cli.workspace(context.deployment).dir,
        env: terraformEnv(),
        stdio: 'ignore',
      },
    );
    const drift = await engine.detectDrift(context, {});
    expect(drift).toMatchObject({
      drifted: true,
      message:
        'Plan: 1 to add, 0 to change, 0 to destroy.; module.this.terraform_data.greeting will be created',
    });
    expect(drift?.details).toContain(
      '# module.this.terraform_data.greeting will be created',
    );
    // the context brings no logger here: the module's, with the deployment's ref
    expect(moduleLogger.child).toHaveBeenCalledWith({
      deploymentRef: 'team-a/dev/hello',
    });
    expect(deploymentLogger.warn).toHaveBeenCalledWith(
      'Terraform drift in team-a/dev/hello: Plan: 1 to add, 0 to change, 0 to destroy.; module.this.terraform_data.greeting will be created',
    );
    // with the coordinator's logger in the context, the lines go there
    const contextLogger = mockServices.logger.mock();
    await engine.detectDrift({ ...context, logger: contextLogger }, {});
    expect(contextLogger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Terraform drift in team-a/dev/hello'),
    );
    // status no longer reports drift: the drift monitor puts it on the deployment
    const status = await engine.status(context, {});
    expect(status.phase).toBe('Ready');
    expect(status.conditions.map(c => c.type)).toEqual(['Ready']);

    // a new revision planned but not applied yet: no answer (the monitor reads the status)
    await engine.render(order({ name: 'grace' }));
    expect(await engine.detectDrift(context, {})).toBeUndefined();
    // nor for GitOps deployments, which the tofu-controller re-plans
    expect(
      await engine.detectDrift(
        {
          ...context,
          deployment: { ...context.deployment, delivery: 'gitops' },
        },
        {},
      ),
    ).toBeUndefined();
  });

  it('keeps a second worker out of a workspace in use: a transient error the coordinator retries', async () => {
    const context = order({ name: 'ada' });
    const rendered = await engine.render(context);
    const held = await WorkingDirectoryLock.acquire(
      engine.cli.workspace(context.deployment).dir,
      { purpose: 'terraform apply by another worker' },
    );
    try {
      const error = await engine.apply(context, rendered, {}).catch(e => e);
      expect(error).toBeInstanceOf(TransientEngineError);
      expect(error.message).toContain(`(terraform apply by another worker)`);
      expect(fs.existsSync(stateFile())).toBe(false);
    } finally {
      await held.release();
    }
    await engine.apply(context, rendered, {});
    expect(stateResources()).toHaveLength(1);
  });

  it('lets a waiting worker in once the other releases the workspace', async () => {
    const patient = createEngine(60);
    const context = order({ name: 'ada' });
    const rendered = await patient.render(context);
    const held = await WorkingDirectoryLock.acquire(
      patient.cli.workspace(context.deployment).dir,
      { purpose: 'terraform plan by another worker' },
    );
    let applied = false;
    const applying = patient.apply(context, rendered, {}).then(() => {
      applied = true;
    });
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(applied).toBe(false);
    expect(fs.existsSync(stateFile())).toBe(false);
    await held.release();
    await applying;
    expect(stateResources()).toHaveLength(1);
    expect((await patient.status(context, {})).phase).toBe('Ready');
  });
});
