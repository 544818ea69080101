import { SourceFileError } from '@nestor/plugin-nestor-common';
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { hasAnchors, parseWithJsYaml } from './parseWithJsYaml';

/** Limits that keep one hostile file from exhausting the backend. @public */
export interface ParseLimits {
  /** default 1 MiB */
  maxFileBytes: number;
  /** default 1000 */
  maxDocuments: number;
  /** aliases resolved per document (alias bombs); default 100 */
  maxAliasCount: number;
}

const DEFAULT_LIMITS: ParseLimits = { maxFileBytes: 1024 * 1024, maxDocuments: 1000, maxAliasCount: 100 };

/** One YAML document of a file, with where it starts. @public */
export interface ParsedDocument {
  /** 0-based position of the document in the file */
  index: number;
  /** 1-based line where the document's content starts */
  line: number;
  value: unknown;
  /** The 1-based line of a field (its key), or of its nearest existing parent. */
  lineOf(path: ReadonlyArray<string | number>): number;
}

/** The documents of a file that parsed, and one error per one that did not. @public */
export interface ParsedSourceFile {
  documents: ParsedDocument[];
  errors: SourceFileError[];
}

/**
 * Parses a multi-document YAML file (YAML 1.2 core schema). Each document is
 * parsed on its own, so a syntax error in one does not lose the others;
 * every error names the file, its line and the reason. Empty documents are
 * skipped.
 *
 * Well-formed files without anchors take a fast path (js-yaml); anything
 * else, and field lines for validation errors, come from the `yaml` package,
 * which is exact but about 15 times slower: a full sync of 10,000 files
 * spends most of its time here otherwise.
 * @public
 */
export function parseSourceFile(path: string, content: Buffer | string, limits: Partial<ParseLimits> = {}): ParsedSourceFile {
  const { maxFileBytes, maxDocuments, maxAliasCount } = { ...DEFAULT_LIMITS, ...limits };
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxFileBytes) {
    return { documents: [], errors: [{ path, message: `file is ${size} bytes, more than the limit of ${maxFileBytes}` }] };
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (text.includes('\0')) {
    return { documents: [], errors: [{ path, message: 'not a text file (contains NUL bytes)' }] };
  }

  const thorough = () => parseWithYaml(path, text, maxDocuments, maxAliasCount);
  const fast = hasAnchors(text) ? undefined : parseWithJsYaml(text, { maxDocuments, fieldLines: thorough });
  return fast ? { documents: fast, errors: [] } : thorough();
}

/**
 * The thorough parser (`yaml`): exact lines for every document, error and
 * field, duplicate keys and alias limits. About 15 times slower than
 * js-yaml, so it reads the files the fast path cannot (errors, anchors) and
 * gives field lines when a document fails validation.
 */
function parseWithYaml(path: string, text: string, maxDocuments: number, maxAliasCount: number): ParsedSourceFile {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) return { documents: [], errors: [] };
  if (docs.length > maxDocuments) {
    return { documents: [], errors: [{ path, line: 1, message: `file has ${docs.length} documents, more than the limit of ${maxDocuments}` }] };
  }

  const documents: ParsedDocument[] = [];
  const errors: SourceFileError[] = [];
  docs.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineAt(start);
    if (doc.errors.length > 0) {
      // the first error is the cause; the ones after it mostly follow from it
      const [error] = doc.errors;
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
      errors.push({
        path,
        line: error.linePos?.[0].line ?? lineAt(error.pos[0]),
        message: `YAML syntax error in document ${index + 1}: ${firstLine(error.message)}${more}`,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      errors.push({ path, line, message: `document ${index + 1} cannot be read: ${(error as Error).message}` });
      return;
    }
    // a document of only comments, e.g. after a trailing `---`
    if (value === null || value === undefined) return;
    documents.push({ index, line, value, lineOf: fieldPath => lineOfField(doc, fieldPath, lineAt) ?? line });
  });
  return { documents, errors };
}

function lineOfField(
  doc: Document.Parsed,
  fieldPath: ReadonlyArray<string | number>,
  lineAt: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  let line = rangeLine(node, lineAt);
  for (const segment of fieldPath) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(p => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) break;
      line = rangeLine(pair.key, lineAt) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      line = rangeLine(item, lineAt) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function rangeLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? lineAt(range[0]) : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
