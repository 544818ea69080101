import { resourceEntityV1alpha1Validator } from '@backstage/catalog-model';
import { testContext, testDeployment } from './__testUtils__/fixtures';
import { deploymentEntity } from './deploymentEntity';

describe('deploymentEntity', () => {
  it("publishes a deployment as a Resource of its item's type, owned by its team, depending on other teams' deployments", async () => {
    const deployment = testDeployment({
      id: 'dep-42',
      team: 'team-payments',
      environment: 'dev',
      name: 'orders-db',
      resource: 'postgres-database',
      resourceType: 'database.postgresql',
      resourceVersion: '1.4.0',
      phase: 'Ready',
      dependsOn: ['team-platform/dev/main-vpc'],
    });
    const entity = deploymentEntity(deployment, testContext());
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-payments.dev.orders-db',
        namespace: 'nestor',
        title: 'team-payments/dev/orders-db',
        description:
          'postgres-database 1.4.0 for team-payments in dev, ordered through Nestor',
        tags: ['nestor', 'nestor-deployment', 'dev'],
        links: [
          {
            url: 'https://backstage.acme.example/nestor/deployments/dep-42',
            title: 'Open in Nestor',
            icon: 'dashboard',
          },
        ],
        annotations: {
          'backstage.io/managed-by-location':
            'nestor:deployments/team-payments/dev/orders-db',
          'backstage.io/managed-by-origin-location':
            'nestor:deployments/team-payments/dev/orders-db',
          'nestor.io/deployment-ref': 'team-payments/dev/orders-db',
          'nestor.io/deployment-id': 'dep-42',
          'nestor.io/team': 'team-payments',
          'nestor.io/environment': 'dev',
          'nestor.io/phase': 'Ready',
          'nestor.io/resource-name': 'postgres-database',
          'nestor.io/resource-version': '1.4.0',
          'nestor.io/resource-type': 'database.postgresql',
          'nestor.io/engine': 'helm',
        },
      },
      spec: {
        type: 'database.postgresql',
        owner: 'group:default/team-payments',
        dependsOn: ['resource:nestor/team-platform.dev.main-vpc'],
      },
    });
    expect(await resourceEntityV1alpha1Validator.check(entity)).toBe(true);
  });

  it('links the GitOps commit and pull request of the current revision and an endpoint output', () => {
    const deployment = testDeployment({
      id: 'd1',
      team: 'team-a',
      environment: 'prod',
      name: 'api',
    });
    deployment.revisions[0].delivery = {
      mode: 'gitops',
      commitUrl: 'https://github.com/acme/infra/commit/abc',
      pullRequestUrl: 'https://github.com/acme/infra/pull/7',
    };
    deployment.outputs = {
      url: 'https://api.acme.example',
      port: 443,
      host: 'db.internal',
    };
    const links = deploymentEntity(
      deployment,
      testContext({ nestorAppUrl: undefined }),
    ).metadata.links;
    expect(links).toEqual([
      {
        url: 'https://github.com/acme/infra/pull/7',
        title: 'GitOps pull request',
        type: 'gitops',
      },
      {
        url: 'https://github.com/acme/infra/commit/abc',
        title: 'GitOps commit',
        type: 'gitops',
      },
      { url: 'https://api.acme.example', title: 'Endpoint', icon: 'web' },
    ]);
  });
});
