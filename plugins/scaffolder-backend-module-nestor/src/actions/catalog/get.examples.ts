import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `nestor:catalog:get`, run by `get.examples.test.ts`. @public */
export const examples: TemplateExample[] = [
  {
    description:
      'Read a buffet item, e.g. to show its cost or pass its newest version on',
    example: yaml.stringify({
      steps: [
        {
          id: 'item',
          action: 'nestor:catalog:get',
          name: 'Read the PostgreSQL item',
          input: { name: 'postgres-database' },
        },
      ],
    }),
  },
  {
    description: 'Read one version of a buffet item',
    example: yaml.stringify({
      steps: [
        {
          id: 'item',
          action: 'nestor:catalog:get',
          name: 'Read PostgreSQL 1.4.0',
          input: { name: 'postgres-database', version: '1.4.0' },
        },
      ],
    }),
  },
];
