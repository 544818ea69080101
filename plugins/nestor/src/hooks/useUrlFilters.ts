import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { useCallback } from 'react';

/** What {@link useUrlFilters} returns. @public */
export interface UrlFilters<K extends string> {
  /** the filters set in the URL's query, by key */
  filters: Partial<Record<K, string>>;
  /** sets one filter (undefined or empty removes it), replacing the history entry */
  setFilter(key: K, value: string | undefined): void;
  clear(): void;
}

/**
 * A list's filters kept in the URL's query string, so a filtered view can be
 * bookmarked and shared and survives a reload.
 * @public
 */
export function useUrlFilters<K extends string>(
  keys: readonly K[],
): UrlFilters<K> {
  const [params, setParams] = useAppSearchParams();
  const filters: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const setFilter = useCallback(
    (key: K, value: string | undefined) =>
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const clear = useCallback(
    () => setParams({}, { replace: true }),
    [setParams],
  );
  return { filters, setFilter, clear };
}
