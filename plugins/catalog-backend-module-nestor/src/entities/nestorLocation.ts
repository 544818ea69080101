import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '@backstage/catalog-model';

/**
 * The location annotations of an entity the provider writes: both point at
 * the Nestor API URL of the object it mirrors, where it is read from.
 * @internal
 */
export function nestorLocation(url: string): Record<string, string> {
  const location = `url:${url}`;
  return { [ANNOTATION_LOCATION]: location, [ANNOTATION_ORIGIN_LOCATION]: location };
}
