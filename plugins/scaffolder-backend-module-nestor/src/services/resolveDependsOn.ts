import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  deploymentRefSchema,
  NESTOR_ANNOTATIONS,
} from '@nestor/plugin-nestor-common';

/** The annotation the Nestor entity provider puts on each deployment's entity. */
const DEPLOYMENT_REF_ANNOTATION = NESTOR_ANNOTATIONS.deploymentRef;

/**
 * The Nestor refs a step depends on. Each entry is a deployment ref
 * (`team-platform/dev/main-vpc`) or the catalog entity of a deployment, as
 * the generated templates' pickers give (`resource:default/team-platform.dev.main-vpc`),
 * read with the initiator's credentials; lists nested one level (a
 * multi-picker's value) are flattened, duplicates dropped. Every entry that
 * is neither is named in one InputError.
 * @public
 */
export async function resolveDependsOn(
  entries: ReadonlyArray<string | readonly string[]>,
  options: {
    catalog: CatalogService;
    credentials: () => Promise<BackstageCredentials>;
  },
): Promise<string[]> {
  const refs: string[] = [];
  const problems: string[] = [];
  for (const entry of entries.flat()) {
    if (deploymentRefSchema.safeParse(entry).success) {
      refs.push(entry);
      continue;
    }
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(
        parseEntityRef(entry, {
          defaultKind: 'resource',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      problems.push(
        `"${entry}" is neither a deployment ref <team>/<environment>/<name> nor a catalog entity ref`,
      );
      continue;
    }
    const entity = await options.catalog.getEntityByRef(entityRef, {
      credentials: await options.credentials(),
    });
    const ref = entity?.metadata.annotations?.[DEPLOYMENT_REF_ANNOTATION];
    if (!entity)
      problems.push(
        `${entityRef} is not in the catalog (or not visible to you)`,
      );
    else if (!ref)
      problems.push(
        `${entityRef} is not a Nestor deployment (it has no ${DEPLOYMENT_REF_ANNOTATION} annotation)`,
      );
    else refs.push(ref);
  }
  if (problems.length > 0)
    throw new InputError(`dependsOn: ${problems.join('; ')}`);
  return [...new Set(refs)];
}
