import {
  Entity,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { parseDeploymentRef } from '@nestor/plugin-nestor-common';
import useAsync from 'react-use/esm/useAsync';
import { NESTOR_ANNOTATIONS } from '@nestor/plugin-nestor-common';

/** Which deployments an entity stands for. @public */
export type EntityDeploymentScope =
  /** a Group: every deployment of its team */
  | { kind: 'team'; team: string }
  /** a buffet item: every deployment of it */
  | { kind: 'resource'; resource: string }
  /** a deployment, or what a component or system is tied to */
  | { kind: 'refs'; refs: string[] };

function isDeploymentRef(ref: string): boolean {
  try {
    parseDeploymentRef(ref);
    return true;
  } catch {
    return false;
  }
}

/** the refs of the annotation; what is not a deployment ref is left out */
function annotated(entity: Entity): string[] {
  const value = entity.metadata.annotations?.[NESTOR_ANNOTATIONS.deployments];
  return value ? value.split(/[\s,]+/).filter(isDeploymentRef) : [];
}

function deploymentRefOf(entity: Entity | undefined): string | undefined {
  return entity?.metadata.annotations?.[NESTOR_ANNOTATIONS.deploymentRef];
}

function relatedRefs(entity: Entity, types: string[]): string[] {
  return (entity.relations ?? [])
    .filter(r => types.includes(r.type))
    .map(r => r.targetRef);
}

/**
 * The deployments an entity stands for: a Group's team; a buffet item's
 * deployments; a deployment's own entity; for a Component (or any other
 * kind) the deployment entities it depends on, for a System those that are
 * part of it or that its components depend on, plus the refs of the
 * `nestor.io/deployments` annotation.
 * @public
 */
export function useEntityDeploymentScope(entity: Entity): {
  scope?: EntityDeploymentScope;
  loading: boolean;
  error?: Error;
} {
  const catalogApi = useApi(catalogApiRef);
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const annotatedRef = deploymentRefOf(entity);
  const own =
    annotatedRef && isDeploymentRef(annotatedRef) ? annotatedRef : undefined;
  const resource =
    entity.metadata.annotations?.[NESTOR_ANNOTATIONS.resourceName];
  const direct = kind === 'group' || own || resource;
  const entityRef = stringifyEntityRef(entity);

  const related = useAsync(async () => {
    if (direct) return [];
    const refs = new Set(annotated(entity));
    const fetch = async (targets: string[]) =>
      targets.length === 0
        ? []
        : (
            await catalogApi.getEntitiesByRefs({ entityRefs: targets })
          ).items.filter((e): e is Entity => Boolean(e));
    const first = await fetch(
      relatedRefs(entity, [RELATION_DEPENDS_ON, RELATION_HAS_PART]),
    );
    const next: string[] = [];
    for (const e of first) {
      const ref = deploymentRefOf(e);
      if (ref && isDeploymentRef(ref)) refs.add(ref);
      else if (kind === 'system')
        next.push(...relatedRefs(e, [RELATION_DEPENDS_ON]));
    }
    for (const e of await fetch([...new Set(next)])) {
      const ref = deploymentRefOf(e);
      if (ref && isDeploymentRef(ref)) refs.add(ref);
    }
    return [...refs].sort();
  }, [catalogApi, entityRef, direct]);

  if (kind === 'group')
    return {
      scope: { kind: 'team', team: entity.metadata.name },
      loading: false,
    };
  if (own) return { scope: { kind: 'refs', refs: [own] }, loading: false };
  if (resource)
    return { scope: { kind: 'resource', resource }, loading: false };
  if (related.loading) return { loading: true };
  if (related.error) return { loading: false, error: related.error };
  return { scope: { kind: 'refs', refs: related.value ?? [] }, loading: false };
}
