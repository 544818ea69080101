import { Entity } from '@backstage/catalog-model';
import { deploymentEntityName } from '@nestor/plugin-catalog-backend-module-nestor';

/**
 * The catalog entity of a deployment as Nestor's entity provider names and
 * annotates it: what a template's picker hands to `nestor:deploy`.
 */
export function deploymentEntityOf(ref: string, type: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: deploymentEntityName(ref),
      namespace: 'default',
      annotations: { 'nestor.io/deployment-ref': ref },
    },
    spec: { type, owner: `group:default/${ref.split('/')[0]}` },
  };
}
