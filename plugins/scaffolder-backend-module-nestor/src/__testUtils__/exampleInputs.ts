import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import yaml from 'yaml';

/** Each example's step inputs, parsed from its YAML as the scaffolder would read a template. */
export function exampleInputs(
  examples: TemplateExample[],
  action: string,
): Array<[string, JsonObject[]]> {
  return examples.map(e => {
    const steps = (
      yaml.parse(e.example).steps as Array<{
        action: string;
        input: JsonObject;
      }>
    ).filter(s => s.action === action);
    if (steps.length === 0)
      throw new Error(`example "${e.description}" has no ${action} step`);
    return [e.description, steps.map(s => s.input)];
  });
}
