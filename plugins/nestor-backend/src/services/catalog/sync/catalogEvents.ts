import { CatalogItem, NewNestorEvent, SourceFileError } from '@nestor/plugin-nestor-common';

function audience(item: CatalogItem): Pick<NewNestorEvent, 'team' | 'visibleTo'> {
  const { metadata, spec } = item.definition;
  // a public item's events are global; a restricted one's reach its owner and the teams it is shared with
  if ('public' in spec.visibility) return { team: null };
  return { team: metadata.owner, visibleTo: [...new Set([metadata.owner, ...spec.visibility.teams])] };
}

function errorKey(e: SourceFileError): string {
  return `${e.path}\n${e.line ?? ''}\n${e.message}`;
}

/**
 * The events of one sync: `catalog.updated` per written item,
 * `catalog.removed` per removed one, and one `catalog.sync.failed` listing
 * the problems this sync found that the previous one had not reported (a
 * file that keeps failing is reported once, not on every scheduled sync).
 * @internal
 */
export function catalogEvents(options: {
  sourceId: string;
  commit: string;
  updated: CatalogItem[];
  /** names among `updated` that did not exist before */
  created: ReadonlySet<string>;
  /** removed items as they were before removal */
  removed: CatalogItem[];
  errors: SourceFileError[];
  previousErrors: SourceFileError[];
}): NewNestorEvent[] {
  const events: NewNestorEvent[] = [];
  for (const item of options.updated) {
    events.push({
      type: 'catalog.updated',
      ref: item.name,
      ...audience(item),
      payload: { change: options.created.has(item.name) ? 'created' : 'updated', sourceId: options.sourceId, item },
    });
  }
  for (const item of options.removed) {
    events.push({
      type: 'catalog.removed',
      ref: item.name,
      ...audience(item),
      payload: { name: item.name, sourceId: options.sourceId, commit: options.commit, lastSource: item.source },
    });
  }
  const known = new Set(options.previousErrors.map(errorKey));
  const fresh = options.errors.filter(e => !known.has(errorKey(e)));
  if (fresh.length > 0) {
    events.push({
      type: 'catalog.sync.failed',
      team: null,
      ref: null,
      payload: { sourceId: options.sourceId, commit: options.commit, errors: fresh },
    });
  }
  return events;
}
