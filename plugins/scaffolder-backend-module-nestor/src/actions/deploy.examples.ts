import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `nestor:deploy`, shown in the actions list and run by `deploy.examples.test.ts`. @public */
export const examples: TemplateExample[] = [
  {
    description:
      'Order a PostgreSQL database for a team in dev, in the network it needs',
    example: yaml.stringify({
      steps: [
        {
          id: 'database',
          action: 'nestor:deploy',
          name: 'Order the database',
          input: {
            team: 'team-payments',
            environment: 'dev',
            name: 'orders-db',
            resource: 'postgres-database',
            version: '^1.4.0',
            parameters: { size: 'small', storageGb: 50 },
            dependsOn: ['team-platform/dev/main-vpc'],
          },
        },
      ],
    }),
  },
  {
    description:
      'Order a service that depends on a deployment picked in the catalog, and wait until it is Ready (its outputs become step outputs)',
    example: yaml.stringify({
      steps: [
        {
          id: 'service',
          action: 'nestor:deploy',
          name: 'Order the service and wait',
          input: {
            team: 'team-payments',
            environment: 'dev',
            name: 'orders-api',
            resource: 'web-service',
            parameters: { image: 'ghcr.io/acme/orders:1.8.2', replicas: 2 },
            dependsOn: ['resource:default/team-payments.dev.orders-db'],
            wait: true,
            timeoutMinutes: 20,
          },
        },
      ],
    }),
  },
];
