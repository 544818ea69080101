import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';

/**
 * The location annotations of an entity the provider writes:
 * `nestor:catalog/<item>` or `nestor:deployments/<ref>`. A location type of
 * its own, not `url:`, so the catalog does not derive "view source" and
 * "edit" links to the Nestor API; links to Git are set where they exist.
 * @internal
 */
export function nestorLocation(target: string): Record<string, string> {
  const location = `nestor:${target}`;
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}
