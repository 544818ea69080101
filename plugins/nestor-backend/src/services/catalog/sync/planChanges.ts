import { SourceFileError } from '@nestor/plugin-nestor-common';
import { Candidate } from './loadSourceFile';

/** Where a stored object (an item or a team) was read from. @internal */
export interface StoredLocation {
  name: string;
  sourceId: string;
  path: string;
}

/** What one sync writes for one kind of object. @internal */
export interface ChangePlan<T> {
  upserts: Array<Candidate<T>>;
  deletes: string[];
  errors: SourceFileError[];
}

/**
 * Decides the writes of one kind (buffet items or teams) from the files a
 * sync read. A name declared twice (in two files, two documents, or also in
 * a file this sync did not read, or by another source) is an error naming
 * every place and changes nothing. A stored object whose file was read is
 * removed only when the file no longer declares it and nothing held it: a
 * failing document keeps its last good version.
 * @internal
 */
export function planChanges<T>(options: {
  kind: string;
  sourceId: string;
  /** valid documents of the files read */
  candidates: Array<Candidate<T>>;
  /** objects of this source stored from the files read or deleted */
  storedInAffected: StoredLocation[];
  /** where candidate names are stored, when not in `storedInAffected` */
  storedElsewhere: Map<string, StoredLocation>;
  /** names failing documents declared */
  heldNames: ReadonlySet<string>;
  /** files whose stored objects all stay (a failing document of unknown name) */
  heldPaths: ReadonlySet<string>;
}): ChangePlan<T> {
  const byName = new Map<string, Array<Candidate<T>>>();
  for (const c of options.candidates) {
    const list = byName.get(c.name);
    if (list) list.push(c);
    else byName.set(c.name, [c]);
  }

  const plan: ChangePlan<T> = { upserts: [], deletes: [], errors: [] };
  for (const [name, places] of byName) {
    const elsewhere = options.storedElsewhere.get(name);
    if (places.length === 1 && !elsewhere) {
      plan.upserts.push(places[0]);
      continue;
    }
    const labels = places.map(p => `${p.path}:${p.line}`);
    if (elsewhere) {
      labels.push(elsewhere.sourceId === options.sourceId ? elsewhere.path : `${elsewhere.path} of source "${elsewhere.sourceId}"`);
    }
    for (const [i, place] of places.entries()) {
      const others = labels.filter((_, j) => j !== i);
      plan.errors.push({
        path: place.path,
        line: place.line,
        message: `duplicate ${options.kind} name "${name}": also defined in ${others.join(', ')}`,
      });
    }
  }

  for (const stored of options.storedInAffected) {
    if (byName.has(stored.name) || options.heldNames.has(stored.name) || options.heldPaths.has(stored.path)) continue;
    plan.deletes.push(stored.name);
  }
  return plan;
}
