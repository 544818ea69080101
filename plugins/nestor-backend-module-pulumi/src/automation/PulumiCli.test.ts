import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransientEngineError } from '@nestor/plugin-nestor-node';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import YAML from 'yaml';
import { namespaceDefinition } from '../__fixtures__/pulumiDefinitions';
import { pulumiEngineConfigSchema } from '../config/pulumiEngineConfigSchema';
import { PulumiEngine } from '../PulumiEngine';

const FAKE_PULUMI = path.resolve(__dirname, '../__fixtures__/fake-pulumi.js');

function realPulumi(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v pulumi'], {
        encoding: 'utf8',
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

describe('direct mode with the pulumi CLI (automation)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-pulumi-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function setup(binary: string) {
    const engine = PulumiEngine.create({
      config: pulumiEngineConfigSchema.parse({
        direct: {
          mode: 'automation',
          binary,
          workingDirectory: path.join(root, 'work'),
          passphrase: 'pw',
        },
      }),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    const context = createTestRenderContext({
      definition: namespaceDefinition(),
      team: 'team-data',
      environment: 'dev',
      name: 'analytics-ns',
      delivery: 'direct',
      gitops: false,
      parameters: { namespaceName: 'analytics' },
    });
    return { engine, context };
  }

  // No pulumi CLI is installed on these machines. A recording stand-in
  // (src/__fixtures__/fake-pulumi.js) checks what Nestor writes and runs;
  // it deploys nothing.
  describe('against a recording stand-in for the CLI', () => {
    let log: string;
    beforeEach(() => {
      log = path.join(root, 'calls.jsonl');
      process.env.FAKE_PULUMI_LOG = log;
    });
    const calls = () =>
      fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line));

    it('writes the project and stack settings, selects the stack, updates with a refresh and records the outputs', async () => {
      const { engine, context } = setup(FAKE_PULUMI);
      expect(await engine.health()).toEqual({
        status: 'ok',
        message: 'pulumi v3.999.0-fake (automation mode)',
      });
      expect(await engine.status(context, {})).toMatchObject({
        phase: 'Syncing',
        message: 'the stack has not been updated yet',
      });

      await engine.apply(context, await engine.render(context), {});
      const dir = path.join(root, 'work', 'team-data', 'dev', 'analytics-ns');
      const project = YAML.parse(
        fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8'),
      );
      expect(project).toMatchObject({
        name: 'k8s-namespace',
        runtime: 'yaml',
        description: 'Kubernetes namespace',
      });
      expect(project.resources.ns.properties.metadata.name).toBe('analytics');
      expect(
        YAML.parse(
          fs.readFileSync(
            path.join(dir, 'Pulumi.team-data-dev-analytics-ns.yaml'),
            'utf8',
          ),
        ),
      ).toEqual({
        config: { 'kubernetes:namespace': 'analytics' },
      });
      const made = calls().slice(1);
      expect(made.map(c => c.args.join(' '))).toEqual([
        'stack select --create --stack team-data-dev-analytics-ns --non-interactive --color never',
        'up --yes --skip-preview --refresh --stack team-data-dev-analytics-ns --non-interactive --color never',
        'stack output --json --stack team-data-dev-analytics-ns --non-interactive --color never',
      ]);
      expect(
        made.every(
          c =>
            c.cwd === dir &&
            c.backend === `file://${path.join(root, 'work', '.state')}` &&
            c.passphrase === 'pw',
        ),
      ).toBe(true);

      const status = await engine.status(context, {});
      expect(status).toMatchObject({
        phase: 'Ready',
        outputs: { namespace: 'from-fake-pulumi', project: 'dev' },
      });

      await engine.destroy(context, {});
      expect(
        calls()
          .slice(-2)
          .map(c => c.args.slice(0, 2).join(' ')),
      ).toEqual(['destroy --yes', 'stack rm']);
      expect(fs.existsSync(dir)).toBe(false);
    });

    it("fails with the CLI's error text, and retries later when the stack is locked", async () => {
      const { engine, context } = setup(FAKE_PULUMI);
      const failing = structuredClone(context);
      failing.parameters.namespaceName = 'FAIL_UP';
      await expect(
        engine.apply(failing, await engine.render(failing), {}),
      ).rejects.toThrow(
        /failed with exit code 255:\nerror: aws:sqs:Queue queue: InvalidParameterValue: Value FAIL_UP/,
      );
      const busy = structuredClone(context);
      busy.parameters.namespaceName = 'BUSY';
      await expect(
        engine.apply(busy, await engine.render(busy), {}),
      ).rejects.toThrow(TransientEngineError);
    });

    it('reports the engine degraded when the CLI is missing', async () => {
      const { engine } = setup(path.join(root, 'no-such-pulumi'));
      expect(await engine.health()).toEqual({
        status: 'degraded',
        message: `direct deployments need the pulumi CLI: no-such-pulumi version: ${path.join(
          root,
          'no-such-pulumi',
        )} was not found`,
      });
    });
  });

  const pulumi = realPulumi();
  if (!pulumi) {
    // eslint-disable-next-line no-console
    console.warn(
      'pulumi is not on the PATH: the real automation-mode run is skipped',
    );
  }
  const describeIfPulumi = pulumi ? describe : describe.skip;
  describeIfPulumi('with the real pulumi CLI', () => {
    it('runs a real pulumi up and destroy on a local file backend', async () => {
      const { engine, context } = setup(pulumi!);
      // no resources: the YAML runtime needs no provider plugin (and no network)
      context.definition.spec.pulumi!.program = {
        variables: { greeting: 'hello ${namespaceName}' },
        outputs: { namespace: '${greeting}' },
      };
      await engine.apply(context, await engine.render(context), {});
      expect(await engine.status(context, {})).toMatchObject({
        phase: 'Ready',
        outputs: { namespace: 'hello analytics' },
      });
      await engine.destroy(context, {});
    }, 120_000);
  });
});
