import { ResourceDefinition, SourceFileError, TeamConfig } from '@nestor/plugin-nestor-common';
import { ParseLimits, parseSourceFile } from '../parsing/parseSourceFile';
import { validateDefinition } from '../validation/validateDefinition';

/** A valid document of a file, keyed by its name. @internal */
export interface Candidate<T> {
  name: string;
  path: string;
  line: number;
  value: T;
}

/** What one file holds after parsing and validation. @internal */
export interface LoadedSourceFile {
  definitions: Array<Candidate<ResourceDefinition>>;
  teams: Array<Candidate<TeamConfig>>;
  errors: SourceFileError[];
  /** names declared by documents that failed, per kind: their last good versions stay */
  held: { definitions: string[]; teams: string[] };
  /** true when a failing document's name is unknown: nothing the file held before is removed */
  holdFile: boolean;
}

/**
 * Parses and validates one file of a source. Documents of other tools (an
 * `apiVersion` outside `nestor.io/`, such as a Backstage `catalog-info.yaml`)
 * are skipped; every other document must be a valid Nestor document, and
 * each problem is reported with the line of the failing field.
 * @internal
 */
export function loadSourceFile(path: string, content: Buffer, limits?: Partial<ParseLimits>): LoadedSourceFile {
  const parsed = parseSourceFile(path, content, limits);
  const result: LoadedSourceFile = {
    definitions: [],
    teams: [],
    errors: [...parsed.errors],
    held: { definitions: [], teams: [] },
    holdFile: parsed.errors.length > 0,
  };
  for (const doc of parsed.documents) {
    const apiVersion = (doc.value as { apiVersion?: unknown } | null)?.apiVersion;
    if (typeof apiVersion === 'string' && !apiVersion.startsWith('nestor.io/')) continue;

    const validation = validateDefinition(doc.value);
    if (!validation.ok) {
      const what = `${validation.kind ?? 'document'}${validation.name ? ` "${validation.name}"` : ''}`;
      for (const issue of validation.issues) {
        result.errors.push({ path, line: doc.lineOf(issue.path), message: `${what}: ${issue.field}: ${issue.message}` });
      }
      if (!validation.name) result.holdFile = true;
      // a document whose kind is unknown (a typo) may have been either kind
      else if (validation.kind === 'TeamConfig') result.held.teams.push(validation.name);
      else if (validation.kind === 'ResourceDefinition') result.held.definitions.push(validation.name);
      else {
        result.held.definitions.push(validation.name);
        result.held.teams.push(validation.name);
      }
      continue;
    }
    const { document } = validation;
    const candidate = { name: document.value.metadata.name, path, line: doc.line };
    if (document.kind === 'ResourceDefinition') result.definitions.push({ ...candidate, value: document.value });
    else result.teams.push({ ...candidate, value: document.value });
  }
  return result;
}
