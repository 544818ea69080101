import { Artifact } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';
import { HelmRenderInput, WRAPPER_CHART_DIR } from './types';

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/**
 * A Helm chart generated for an item without an upstream chart:
 * `Chart.yaml`, `values.yaml` (the item's values), one `values-<env>.yaml` per
 * environment of the item, and the item's templates. The files land in the
 * deployment's `chart/` folder, which the Argo CD Application or Flux
 * HelmRelease points at.
 * @public
 */
export function renderWrapperChart(input: HelmRenderInput): Artifact[] {
  const { context, block, values } = input;
  const definition = context.definition;
  const chart = {
    apiVersion: 'v2',
    name: block.chart,
    description: definition.metadata.description ?? definition.metadata.title ?? `Wrapper chart of ${definition.metadata.name}`,
    type: 'application',
    version: block.version,
    appVersion: definition.spec.version,
    annotations: {
      'nestor.io/resource': definition.metadata.name,
      'nestor.io/owner': definition.metadata.owner,
    },
  };
  const file = (name: string, content: string): Artifact => ({ path: `${WRAPPER_CHART_DIR}/${name}`, content });
  const artifacts = [file('Chart.yaml', YAML.stringify(chart, YAML_OPTIONS)), file('values.yaml', valuesFile(values.base))];
  for (const [environment, layer] of Object.entries(values.environments)) {
    artifacts.push(file(`values-${environment}.yaml`, valuesFile(layer)));
  }
  for (const [name, template] of Object.entries(block.templates ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    artifacts.push(file(`templates/${name}`, templateFile(template)));
  }
  return artifacts;
}

function valuesFile(values: Record<string, unknown>): string {
  return Object.keys(values).length === 0 ? '{}\n' : YAML.stringify(values, YAML_OPTIONS);
}

function templateFile(template: string | Record<string, unknown> | Array<Record<string, unknown>>): string {
  if (typeof template === 'string') return template.endsWith('\n') ? template : `${template}\n`;
  const documents = Array.isArray(template) ? template : [template];
  return documents.map(d => YAML.stringify(d, YAML_OPTIONS)).join('---\n');
}
