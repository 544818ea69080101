import {
  Entity,
  EntityLink,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Deployment } from '@nestor/plugin-nestor-common';
import { teamOwnerRef } from './buffetItemEntity';
import {
  NESTOR_ANNOTATIONS,
  NESTOR_DEPLOYMENT_TAG,
  NESTOR_TAG,
} from '@nestor/plugin-nestor-common';
import { deploymentEntityName } from './deploymentEntityName';
import { nestorLocation } from './nestorLocation';
import { toEntityTags } from './toEntityTags';
import { EntityContext } from './types';

/** The entity ref of a deployment's Resource entity. @public */
export function deploymentEntityRef(
  ref: string,
  context: Pick<EntityContext, 'namespace'>,
): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: context.namespace,
    name: deploymentEntityName(ref),
  });
}

function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/\S+$/.test(value);
}

function links(deployment: Deployment, context: EntityContext): EntityLink[] {
  const out: EntityLink[] = [];
  if (context.nestorAppUrl) {
    out.push({
      url: `${context.nestorAppUrl}/deployments/${encodeURIComponent(
        deployment.id,
      )}`,
      title: 'Open in Nestor',
      icon: 'dashboard',
    });
  }
  const delivery = deployment.revisions.find(
    r => r.revision === deployment.currentRevision,
  )?.delivery;
  if (isHttpUrl(delivery?.pullRequestUrl))
    out.push({
      url: delivery!.pullRequestUrl!,
      title: 'GitOps pull request',
      type: 'gitops',
    });
  if (isHttpUrl(delivery?.commitUrl))
    out.push({
      url: delivery!.commitUrl!,
      title: 'GitOps commit',
      type: 'gitops',
    });
  // an engine output that is a web address (a service's URL) is where the deployment answers
  if (isHttpUrl(deployment.outputs.url))
    out.push({ url: deployment.outputs.url, title: 'Endpoint', icon: 'web' });
  return out;
}

/**
 * A deployment as a `Resource` entity of its buffet item's type (e.g.
 * `database.postgresql`), owned by its team's Group, with `dependsOn` the
 * entities of the deployments it depends on, whichever team owns them: the
 * catalog graph then shows cross-team dependencies. Annotations carry what
 * Nestor's entity page needs (ref, id, phase, item, team, environment).
 * @public
 */
export function deploymentEntity(
  deployment: Deployment,
  context: EntityContext,
): Entity {
  const { resource } = deployment;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: deploymentEntityName(deployment.ref),
      namespace: context.namespace,
      title: deployment.ref,
      description: `${resource.name} ${resource.version} for ${deployment.team} in ${deployment.environment}, ordered through Nestor`,
      tags: toEntityTags([
        NESTOR_TAG,
        NESTOR_DEPLOYMENT_TAG,
        deployment.environment,
      ]),
      links: links(deployment, context),
      annotations: {
        ...nestorLocation(`deployments/${deployment.ref}`),
        [NESTOR_ANNOTATIONS.deploymentRef]: deployment.ref,
        [NESTOR_ANNOTATIONS.deploymentId]: deployment.id,
        [NESTOR_ANNOTATIONS.team]: deployment.team,
        [NESTOR_ANNOTATIONS.environment]: deployment.environment,
        [NESTOR_ANNOTATIONS.phase]: deployment.phase,
        [NESTOR_ANNOTATIONS.resourceName]: resource.name,
        [NESTOR_ANNOTATIONS.resourceVersion]: resource.version,
        [NESTOR_ANNOTATIONS.resourceType]: resource.type,
        [NESTOR_ANNOTATIONS.engine]: deployment.engine,
      },
    },
    spec: {
      type: resource.type,
      owner: teamOwnerRef(deployment.team, context),
      dependsOn: deployment.dependsOn.map(ref =>
        deploymentEntityRef(ref, context),
      ),
    },
  };
}
