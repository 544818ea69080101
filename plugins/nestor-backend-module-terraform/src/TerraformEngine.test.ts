import fs from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the backend's Kubernetes client, against the test API server
import { KubernetesClusters } from '@nestor/plugin-nestor-backend';
import { resourceDefinitionSchema } from '@nestor/plugin-nestor-common';
import { EngineTarget, readArtifactObjects } from '@nestor/plugin-nestor-node';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import {
  KubernetesTestServer,
  UpstreamCrdValidator,
  findUpstreamDir,
} from '@nestor/test-utils';
import YAML from 'yaml';
import {
  greetingDefinition,
  s3BucketDefinition,
} from './__fixtures__/terraformDefinitions';
import { terraformEngineConfigSchema } from './config/terraformEngineConfigSchema';
import { TerraformEngine } from './TerraformEngine';

const upstream = findUpstreamDir();
const CRD_FILE = 'tofu-controller/infra.contrib.fluxcd.io_terraforms.yaml';
const validator = upstream
  ? UpstreamCrdValidator.load(upstream, [CRD_FILE])
  : undefined;
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn(
    '../shared/upstream is absent: rendered Terraform objects are not checked against the upstream CRD',
  );
}

const engine = TerraformEngine.create({
  config: terraformEngineConfigSchema.parse({}),
});

describe('TerraformEngine with GitOps delivery', () => {
  describe('validate', () => {
    it('accepts the fixtures', async () => {
      expect(await engine.validate(greetingDefinition())).toEqual([]);
      expect(await engine.validate(s3BucketDefinition())).toEqual([]);
    });

    it('names versions on non-registry sources, inputs Terraform refuses, unknown outputs and references', async () => {
      const definition = greetingDefinition();
      definition.spec.terraform = {
        module: 'git::https://git.example.com/modules.git//bucket',
        version: '1.0.0',
        variables: { count: 1, region: '${regoin}' },
        sensitiveOutputs: ['password'],
      };
      definition.spec.outputs.push('bucket.arn');
      expect(await engine.validate(definition)).toEqual([
        {
          field: 'spec.terraform.version',
          message:
            'a version applies to registry modules only, not to "git::https://git.example.com/modules.git//bucket"',
        },
        {
          field: 'spec.terraform.variables.count',
          message:
            '"count" cannot be a module input (a Terraform identifier other than source, version, count, for_each, providers, depends_on)',
        },
        {
          field: 'spec.outputs',
          message: '"bucket.arn" is not a Terraform output name',
        },
        {
          field: 'spec.terraform.sensitiveOutputs',
          message: '"password" is not one of the item\'s outputs',
        },
        {
          field: 'spec.terraform.variables',
          message:
            '${regoin}: "regoin" names no parameter (parameters: name, size, team); write $${...} for a literal',
        },
      ]);
    });
    it('checks nested references against the fields the parameter schema declares', async () => {
      const definition = greetingDefinition();
      definition.spec.parameters = {
        type: 'object',
        properties: {
          name: { type: 'string' },
          network: {
            type: 'object',
            properties: { cidr: { type: 'string' } },
            required: ['cidr'],
          },
          labels: { type: 'object', properties: { tier: { type: 'string' } } },
        },
        required: ['network'],
      };
      definition.spec.terraform = {
        module: './greeting',
        variables: { tags: { cidr: '${network.cidr}' } },
      };
      expect(await engine.validate(definition)).toEqual([]);
      definition.spec.terraform = {
        module: './greeting',
        variables: { tags: { mask: '${network.mask}' } },
      };
      expect(await engine.validate(definition)).toEqual([
        {
          field: 'spec.terraform.variables',
          message:
            '${network.mask}: the parameter schema has no property "network.mask"',
        },
      ]);
      // an order may leave out an optional parameter without a default: its reference could not resolve
      definition.spec.terraform = {
        module: './greeting',
        variables: { tags: { tier: '${labels.tier}' } },
      };
      expect(await engine.validate(definition)).toEqual([
        {
          field: 'spec.terraform.variables',
          message: expect.stringContaining(
            'parameter "labels" is optional without a default',
          ),
        },
      ]);
    });

    it('accepts the Terraform items of examples/resources and renders them valid against the upstream CRD', async () => {
      const folder = path.resolve(__dirname, '../../../examples/resources');
      const items = fs
        .readdirSync(folder)
        .flatMap(file =>
          YAML.parseAllDocuments(
            fs.readFileSync(path.join(folder, file), 'utf8'),
          ).map(document => document.toJSON()),
        )
        .filter(
          item =>
            item?.kind === 'ResourceDefinition' &&
            item.spec.engine === 'terraform',
        )
        .map(item => resourceDefinitionSchema.parse(item));
      expect(items.map(i => i.metadata.name).sort()).toEqual(
        ['cdn-distribution', 's3-bucket', 'dynamodb-table'].sort(),
      );
      for (const definition of items) {
        expect({
          item: definition.metadata.name,
          issues: await engine.validate(definition),
        }).toEqual({ item: definition.metadata.name, issues: [] });
        const parameters =
          definition.metadata.name === 'dynamodb-table'
            ? { hashKey: 'id' }
            : { aliases: ['cdn.example.com'] };
        const context = createTestRenderContext({
          definition,
          environment: 'prod',
          parameters,
        });
        const [object] = readArtifactObjects(
          (await engine.render(context)).artifacts,
        );
        expect(validator?.validate(object) ?? []).toEqual([]);
      }
    });
  });

  it('renders a root module and a Terraform object valid against the upstream CRD', async () => {
    const context = createTestRenderContext({
      definition: s3BucketDefinition(),
      team: 'team-payments',
      environment: 'prod',
      name: 'invoices',
      parameters: { expireAfterDays: 30 },
    });
    const { artifacts } = await engine.render(context);
    expect(artifacts.map(a => a.path)).toEqual(['main.tf', 'terraform.yaml']);
    expect(artifacts[0].content).toBe(
      [
        '# Generated by Nestor for team-payments/prod/invoices from s3-bucket@1.3.2. Do not edit.',
        '',
        'variable "expireAfterDays" {',
        '  type = any',
        '}',
        '',
        'variable "versioning" {',
        '  type = any',
        '}',
        '',
        'module "this" {',
        '  source = "terraform-aws-modules/s3-bucket/aws"',
        '  version = "~> 4.1"',
        '  expireAfterDays = var.expireAfterDays',
        '  versioning = var.versioning',
        '}',
        '',
        'output "bucketName" {',
        '  value = module.this.bucketName',
        '}',
        '',
        'output "bucketArn" {',
        '  value = module.this.bucketArn',
        '}',
        '',
      ].join('\n'),
    );
    const [object] = readArtifactObjects(artifacts);
    expect(validator?.validate(object) ?? []).toEqual([]);
    // the check has teeth: the CRD's enum of source kinds refuses a HelmRepository
    const wrongSource = {
      ...object,
      spec: {
        ...(object.spec as object),
        sourceRef: { kind: 'HelmRepository', name: 'x' },
      },
    };
    expect(
      validator?.validate(wrongSource) ?? [
        '(no upstream CRD to check against)',
      ],
    ).not.toEqual([]);
    expect(object.metadata).toMatchObject({
      name: 'invoices',
      namespace: 'team-payments-prod',
      labels: { 'nestor.io/team': 'team-payments' },
    });
    expect(object.spec).toEqual({
      interval: '10m',
      path: './nestor/prod/invoices',
      sourceRef: {
        kind: 'GitRepository',
        name: 'flux-system',
        namespace: 'flux-system',
      },
      approvePlan: 'auto',
      workspace: 'team-payments-prod',
      backendConfig: { secretSuffix: 'invoices', inClusterConfig: true },
      vars: [
        { name: 'expireAfterDays', value: 30 },
        { name: 'versioning', value: true },
      ],
      writeOutputsToSecret: {
        name: 'invoices-outputs',
        outputs: ['bucketName', 'bucketArn'],
      },
      destroyResourcesOnDeletion: true,
      storeReadablePlan: 'human',
    });
  });

  it('keeps S3 states per team, environment and deployment with DynamoDB locking, from a per-team source', async () => {
    const s3 = TerraformEngine.create({
      config: terraformEngineConfigSchema.parse({
        stateBackend: {
          type: 's3',
          bucket: 'acme-tfstate',
          region: 'eu-west-1',
          dynamodbTable: 'tf-locks',
        },
        gitops: {
          sourceRef: { name: '{team}-gitops', namespace: 'flux-system' },
          interval: '1h',
          serviceAccountName: 'tf-runner',
          approvePlan: 'manual',
        },
      }),
    });
    const context = createTestRenderContext({
      definition: s3BucketDefinition(),
      team: 'team-data',
      environment: 'dev',
      name: 'raw',
    });
    const [object] = readArtifactObjects((await s3.render(context)).artifacts);
    expect(validator?.validate(object) ?? []).toEqual([]);
    expect(object.spec).toMatchObject({
      interval: '1h',
      approvePlan: '',
      serviceAccountName: 'tf-runner',
      sourceRef: {
        kind: 'GitRepository',
        name: 'team-data-gitops',
        namespace: 'flux-system',
      },
      workspace: 'team-data-dev',
      backendConfig: {
        customConfiguration: [
          'backend "s3" {',
          '  bucket         = "acme-tfstate"',
          '  key            = "nestor/team-data/dev/raw/terraform.tfstate"',
          '  region         = "eu-west-1"',
          '  dynamodb_table = "tf-locks"',
          '  encrypt        = true',
          '}',
        ].join('\n'),
      },
    });
  });

  it('resolves fixed variables and passes the other parameters by name, sorted', async () => {
    const context = createTestRenderContext({
      definition: greetingDefinition(),
      parameters: { name: 'ada', team: 'payments' },
    });
    const [object] = readArtifactObjects(
      (await engine.render(context)).artifacts,
    );
    expect((object.spec as any).vars).toEqual([
      { name: 'name', value: 'ada' },
      { name: 'size', value: 'small' },
      { name: 'tags', value: { team: 'payments', literal: '${not-a-param}' } },
    ]);
  });

  describe('status from the tofu-controller', () => {
    // No cluster and no tofu-controller run here: the in-process Kubernetes
    // API server of @nestor/test-utils (upstream CRD installed) is reached
    // over HTTP by the backend's client; the test writes the controller's
    // status and outputs Secret.
    let server: KubernetesTestServer;
    let target: EngineTarget;
    const ref = {
      apiVersion: 'infra.contrib.fluxcd.io/v1alpha2',
      kind: 'Terraform',
      name: 'hello',
      namespace: 'team-a-dev',
    };
    const at = '2026-01-01T00:00:00Z';

    beforeEach(async () => {
      server = await KubernetesTestServer.start();
      if (upstream)
        server.installCrd(
          YAML.parse(fs.readFileSync(path.join(upstream, CRD_FILE), 'utf8')),
        );
      else
        server.registerResource({
          group: 'infra.contrib.fluxcd.io',
          version: 'v1alpha2',
          kind: 'Terraform',
          plural: 'terraforms',
          namespaced: true,
          statusSubresource: true,
        });
      const clusters = KubernetesClusters.create({
        clusters: [{ name: 'dev', url: server.url, skipTLSVerify: true }],
      });
      target = { cluster: 'dev', kubernetes: clusters.get('dev') };
    });
    afterEach(() => server.stop());

    async function applied() {
      const context = createTestRenderContext({
        definition: greetingDefinition(),
        name: 'hello',
        parameters: { name: 'ada' },
      });
      await engine.apply(context, await engine.render(context), target);
      return context;
    }

    it("fails on a plan error with the plan's text, and waits while applying", async () => {
      const context = await applied();
      expect((await engine.status(context, target)).phase).toBe('Syncing');
      server.patchStatus(ref, {
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'Progressing',
            message: 'Applying',
            lastTransitionTime: at,
          },
        ],
      });
      expect(await engine.status(context, target)).toMatchObject({
        phase: 'Syncing',
        message: 'Applying',
      });
      server.patchStatus(ref, {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'TFExecPlanFailed',
            message:
              'Error: Unsupported argument\n\nAn argument named "colour" is not expected here.',
            lastTransitionTime: at,
          },
        ],
      });
      const failed = await engine.status(context, target);
      expect(failed.phase).toBe('Failed');
      expect(failed.message).toContain(
        'An argument named "colour" is not expected here.',
      );
      expect(failed.conditions[0]).toMatchObject({
        type: 'Ready',
        status: 'False',
        reason: 'TFExecPlanFailed',
      });
    });

    it("is Ready with the outputs Secret's values, sensitive ones as references", async () => {
      const context = await applied();
      server.patchStatus(ref, {
        availableOutputs: ['message', 'tagCount', 'token'],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'TerraformOutputsWritten',
            message: 'Outputs written',
            lastTransitionTime: at,
          },
        ],
      });
      expect(await engine.status(context, target)).toMatchObject({
        phase: 'Syncing',
        message:
          'the Terraform run is ready but its outputs Secret is not there yet',
      });
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      server.applyObject(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'hello-outputs', namespace: 'team-a-dev' },
          data: {
            message: b64('hello ada (small)'),
            tagCount: b64('2'),
            token: b64('abc'),
          },
        },
        'tf-controller',
      );
      const ready = await engine.status(context, target);
      expect(ready.phase).toBe('Ready');
      expect(ready.outputs).toEqual({
        message: 'hello ada (small)',
        tagCount: '2',
        token: {
          secretRef: {
            name: 'hello-outputs',
            namespace: 'team-a-dev',
            key: 'token',
          },
        },
      });
    });
  });
});
