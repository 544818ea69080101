import fs from 'node:fs';
import path from 'node:path';
import { KubernetesObject } from '@nestor/plugin-nestor-node';
import { EngineScenario } from '@nestor/test-utils';
import { crdsForXrd } from '../../__fixtures__/crdsForXrd';

const FIXTURES = path.resolve(__dirname, '../../__fixtures__');

/** The claim the scenario's order renders. */
export const CLAIM_REF = {
  apiVersion: 'platform.example.org/v1alpha1',
  kind: 'PostgresDatabase',
  name: 'orders-db',
  namespace: 'team-payments-dev',
};

const CROSSPLANE_CRDS = [
  'crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml',
  'crossplane/apiextensions.crossplane.io_compositions.yaml',
];

/**
 * The engine scenario of `@nestor/test-utils` with Crossplane's part: the
 * buffet has the postgres-database item (plus an item of an engine that is
 * not installed and one the Crossplane engine refuses), and the test cluster
 * the upstream Crossplane CRDs (served without schemas, with a warning, when
 * `../shared/upstream` is absent).
 */
export async function startCrossplaneScenario(
  options: { kubernetesTokens?: string[] } = {},
): Promise<EngineScenario> {
  const missing = EngineScenario.missingUpstream(CROSSPLANE_CRDS);
  if (missing) {
    // eslint-disable-next-line no-console
    console.warn(
      `${missing}: the test cluster serves Crossplane kinds without their upstream schemas`,
    );
  }
  return EngineScenario.start({
    kubernetesTokens: options.kubernetesTokens,
    upstreamCrds: missing ? [] : CROSSPLANE_CRDS,
    resources: missing
      ? [
          {
            group: 'apiextensions.crossplane.io',
            version: 'v1',
            kind: 'CompositeResourceDefinition',
            plural: 'compositeresourcedefinitions',
            namespaced: false,
            statusSubresource: true,
          },
          {
            group: 'apiextensions.crossplane.io',
            version: 'v1',
            kind: 'Composition',
            plural: 'compositions',
            namespaced: false,
            statusSubresource: false,
          },
        ]
      : [],
    buffet: {
      'postgres-database.yaml': fs.readFileSync(
        path.join(FIXTURES, 'postgres-database.yaml'),
        'utf8',
      ),
      // an item whose engine is not installed here, and one the Crossplane engine refuses
      'not-installed.yaml': {
        apiVersion: 'nestor.io/v1alpha1',
        kind: 'ResourceDefinition',
        metadata: { name: 'pulumi-stack', owner: 'team-platform' },
        spec: {
          type: 'app.stack',
          version: '1.0.0',
          engine: 'pulumi',
          environments: ['dev'],
          pulumi: { program: { resources: {} } },
        },
      },
      'untyped.yaml': {
        apiVersion: 'nestor.io/v1alpha1',
        kind: 'ResourceDefinition',
        metadata: { name: 'untyped-bucket', owner: 'team-platform' },
        spec: {
          type: 'storage.bucket',
          version: '1.0.0',
          engine: 'crossplane',
          environments: ['dev'],
          parameters: { type: 'object', properties: { anything: {} } },
          crossplane: {
            group: 'storage.example.org',
            kind: 'XBucket',
            version: 'v1',
            composition: {
              functions: [{ step: 's', functionRef: { name: 'f' } }],
            },
          },
        },
      },
    },
  });
}

/**
 * Argo CD's and Crossplane's part: applies the platform files (and the CRDs
 * Crossplane generates from the XRD), then the team's committed claim.
 * Returns the claim as the cluster stored it.
 */
export async function syncLikeArgoCd(
  scenario: EngineScenario,
): Promise<KubernetesObject> {
  const platform = await scenario.applyCommitted(
    'platform-infra',
    'clusters/_platform/postgres-database',
  );
  const xrd = platform.find(o => o.kind === 'CompositeResourceDefinition');
  if (!xrd)
    throw new Error(
      'no CompositeResourceDefinition committed in clusters/_platform/postgres-database',
    );
  for (const crd of crdsForXrd(xrd as KubernetesObject))
    scenario.kubernetes.installCrd(crd);
  const [claim] = await scenario.applyCommitted(
    'payments-infra',
    'clusters/dev/orders-db',
  );
  return claim as KubernetesObject;
}

/** Crossplane's part: the claim becomes ready, with a host and a connection secret. */
export function markClaimReady(scenario: EngineScenario): void {
  scenario.kubernetes.applyObject(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'orders-db-connection',
        namespace: CLAIM_REF.namespace,
      },
      data: { password: 'c2VjcmV0' },
    },
    'crossplane',
  );
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  scenario.kubernetes.patchStatus(
    CLAIM_REF,
    {
      host: 'orders-db.payments.internal',
      port: 5432,
      conditions: [
        {
          type: 'Synced',
          status: 'True',
          reason: 'ReconcileSuccess',
          lastTransitionTime: now,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'Available',
          lastTransitionTime: now,
        },
      ],
    },
    'crossplane',
  );
}
