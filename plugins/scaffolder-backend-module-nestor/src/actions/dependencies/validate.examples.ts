import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `nestor:dependencies:validate`, run by `validate.examples.test.ts`. @public */
export const examples: TemplateExample[] = [
  {
    description:
      'Check, before ordering anything, that a database and a service depending on it can be deployed together',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          action: 'nestor:dependencies:validate',
          name: 'Check the dependencies',
          input: {
            requests: [
              {
                team: 'team-payments',
                environment: 'dev',
                name: 'orders-db',
                resource: 'postgres-database',
                dependsOn: ['team-platform/dev/main-vpc'],
              },
              {
                team: 'team-payments',
                environment: 'dev',
                name: 'orders-api',
                resource: 'web-service',
                dependsOn: ['team-payments/dev/orders-db'],
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Report dependency problems in the step output instead of failing the task',
    example: yaml.stringify({
      steps: [
        {
          id: 'check',
          action: 'nestor:dependencies:validate',
          name: 'Check the dependencies, report only',
          input: {
            failOnInvalid: false,
            requests: [
              {
                team: 'team-checkout',
                environment: 'dev',
                name: 'basket-db',
                resource: 'postgres-database',
                dependsOn: ['team-platform/dev/no-such-vpc'],
              },
            ],
          },
        },
      ],
    }),
  },
];
