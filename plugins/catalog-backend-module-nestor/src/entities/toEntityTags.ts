import { makeValidator } from '@backstage/catalog-model';

const validator = makeValidator();

/**
 * Catalog tags from Nestor tags: Nestor allows any run of `[a-z0-9:+#-]`,
 * the catalog wants words joined by single dashes. Runs of dashes fold
 * into one, dashes at the ends go, duplicates and what still does not
 * validate are dropped.
 * @internal
 */
export function toEntityTags(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    const cleaned = tag
      .toLocaleLowerCase('en-US')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    if (validator.isValidTag(cleaned)) out.add(cleaned);
  }
  return [...out];
}
